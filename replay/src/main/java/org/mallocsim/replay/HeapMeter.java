package org.mallocsim.replay;

import org.mallocsim.allocator.Allocator;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * Keeps the running sums and high-water marks behind {@link HeapMetrics} while a replay runs:
 * one table update and a few comparisons per call, nothing allocated. The usable size of a new
 * block is asked of the allocator after its accesses were counted, so pricing the block does not
 * change the policy's cost per call.
 */
final class HeapMeter {
    private static final long PAGE = 4096;
    private final Allocator allocator;
    private final AddressSpace space;
    private final long baselineVmPages;
    private final BlockSizes blocks = new BlockSizes(1024);
    private long live;
    private long usable;
    private long peakLive = -1;
    private long heapAtPeakLive;
    private long peakHeap = -1;
    private long liveAtPeakHeap;
    private long usableAtPeakHeap;
    private double ratioSum;
    private long ratioSamples;
    private long peakRss;
    private long accesses;
    private long calls;
    private long before;
    private final RssSeries rssSeries = new RssSeries();

    /** A meter for {@code allocator}; {@code baselineVmPages} is what the process had mapped before it was made. */
    HeapMeter(Allocator allocator, long baselineVmPages) {
        this.allocator = allocator;
        this.space = allocator.addressSpace();
        this.baselineVmPages = baselineVmPages;
    }

    /** Just before an allocator call. */
    void enter() {
        before = space.accesses();
    }

    /** Just after the call, before anything else touches memory. */
    void leave() {
        accesses += space.accesses() - before;
        calls++;
    }

    /** The call returned a new block {@code p} (non-zero) for {@code requested} bytes. */
    void allocated(long p, long requested) {
        long use = allocator.mallocUsableSize(p);
        blocks.put(p, requested, use);
        live += requested;
        usable += use;
    }

    /** Block {@code p} was freed or moved away by realloc. */
    void released(long p) {
        if (p != 0 && blocks.remove(p)) {
            live -= blocks.removedRequested;
            usable -= blocks.removedUsable;
        }
    }

    /** After each call's blocks are accounted: samples heap and RSS and moves the marks. */
    void sample() {
        long heap = (space.totalVmPages() - baselineVmPages) * PAGE;
        if (live > peakLive) {
            peakLive = live;
            heapAtPeakLive = heap;
        }
        if (heap > peakHeap) {
            peakHeap = heap;
            liveAtPeakHeap = live;
            usableAtPeakHeap = usable;
        }
        if (live > 0) {
            ratioSum += (double) heap / live;
            ratioSamples++;
        }
        long rss = space.rssPages();
        if (rss > peakRss) {
            peakRss = rss;
        }
        rssSeries.add(rss);
    }

    /** RSS over the calls sampled so far. */
    RssTimeline rssTimeline() {
        return rssSeries.result();
    }

    /** The metrics now; {@code freeBytes} is the allocator's free bytes, -1 when it cannot be asked. */
    HeapMetrics result(long freeBytes) {
        long heap = (space.totalVmPages() - baselineVmPages) * PAGE;
        return new HeapMetrics(Math.max(peakLive, 0), heapAtPeakLive, Math.max(peakHeap, 0), liveAtPeakHeap,
                usableAtPeakHeap, ratioSamples == 0 ? 0 : ratioSum / ratioSamples, live, usable, heap, freeBytes,
                peakRss, accesses, calls);
    }
}
