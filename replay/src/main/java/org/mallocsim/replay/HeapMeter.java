package org.mallocsim.replay;

import org.mallocsim.allocator.Allocator;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * Keeps the running sums and high-water marks behind {@link HeapMetrics} while a replay runs:
 * a few comparisons per call, nothing allocated. The blocks are the replay's one {@link LiveBlocks}
 * table, which the engine keeps (it prices a new block after the call's accesses were counted, so
 * pricing does not change the policy's cost per call); the heap is the growth of the
 * process's private writable memory ({@code VmData}) since before the allocator started, so a
 * policy's own start-up mappings count and a thread heap's PROT_NONE reserve does not.
 */
final class HeapMeter {
    private static final long PAGE = 4096;
    private final AddressSpace space;
    private final long baselineDataPages;
    private final LiveBlocks blocks;
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

    /**
     * A meter for {@code allocator} over {@code blocks}; {@code baselineDataPages} is the private
     * writable memory the process had before the allocator was made.
     */
    HeapMeter(Allocator allocator, LiveBlocks blocks, long baselineDataPages) {
        this.space = allocator.addressSpace();
        this.blocks = blocks;
        this.baselineDataPages = baselineDataPages;
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

    /** The heap now, in pages: private writable memory grown since before the allocator started. */
    long heapPages() {
        return space.dataVmPages() - baselineDataPages;
    }

    /** After each call's blocks are accounted: samples heap and RSS and moves the marks. */
    void sample() {
        long heap = heapPages() * PAGE;
        long live = blocks.bytes();
        long usable = blocks.usableBytes();
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
    }

    /** The metrics now; {@code freeBytes} is the allocator's free bytes, -1 when it cannot be asked. */
    HeapMetrics result(long freeBytes) {
        long heap = heapPages() * PAGE;
        return new HeapMetrics(
                Math.max(peakLive, 0),
                heapAtPeakLive,
                Math.max(peakHeap, 0),
                liveAtPeakHeap,
                usableAtPeakHeap,
                ratioSamples == 0 ? 0 : ratioSum / ratioSamples,
                blocks.bytes(),
                blocks.usableBytes(),
                heap,
                freeBytes,
                peakRss,
                accesses,
                calls);
    }
}
