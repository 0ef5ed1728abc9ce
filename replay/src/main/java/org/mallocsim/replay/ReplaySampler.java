package org.mallocsim.replay;

import org.mallocsim.allocator.Allocator;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * What a replay keeps for its report as the calls go: the process's RSS, VM, heap and live bytes
 * after each call in a fixed {@link Timeline} (and in a {@link CallSeries} of every call when a
 * report is asked for), and a heap map each time the heap has grown by a thirty-second since the
 * last one, so the largest heap is pictured without walking it on every call.
 */
final class ReplaySampler {
    /** Buckets of the timeline: 2^15 keeps a report of any trace to a few MB. */
    static final int TIMELINE_BUCKETS = 1 << 15;

    private static final long PAGE = 4096;

    private final Allocator allocator;
    private final AddressSpace space;
    private final HeapMeter meter;
    private final LiveBlocks blocks;
    private final Timeline timeline;
    /** Every call's values, for the report; null when no report is asked for. */
    private final CallSeries series;

    private final boolean heapMaps;
    /** The next heap map is taken once the heap exceeds this many pages. */
    private long nextMapPages;

    private long peakHeapPages;
    private HeapMap largestHeap;

    ReplaySampler(Allocator allocator, HeapMeter meter, LiveBlocks blocks, boolean heapMaps) {
        this.allocator = allocator;
        this.space = allocator.addressSpace();
        this.meter = meter;
        this.blocks = blocks;
        this.timeline = new Timeline(space, TIMELINE_BUCKETS);
        this.heapMaps = heapMaps;
        this.series = heapMaps ? new CallSeries(space) : null;
    }

    /** Adds the state after call {@code call} (0-based); takes a heap map when the heap grew enough. */
    void sample(long call) {
        long heap = meter.heapPages();
        long rss = space.rssPages();
        long vm = space.totalVmPages();
        timeline.add(rss, vm, heap, blocks.bytes());
        if (series != null) {
            series.add(rss, vm, heap, blocks.bytes());
        }
        if (heap > peakHeapPages) {
            peakHeapPages = heap;
            if (heapMaps && heap >= nextMapPages) {
                HeapMap m = HeapMap.take(allocator, blocks, call, heap);
                largestHeap = m == null ? largestHeap : m;
                nextMapPages = heap + Math.max(1, heap / 32);
            }
        }
    }

    /**
     * The timeline and maps after {@code answered} calls; the live and heap figures are the
     * meter's. The final map is always taken (the summary's resident breakdown comes from it), but
     * only when the allocator survived: a heap that aborted may not walk.
     */
    ReplayProfile profile(boolean alive, long answered) {
        timeline.finish();
        if (series != null) {
            series.finish();
        }
        long heapPages = meter.heapPages();
        HeapMap last = alive && answered > 0 ? HeapMap.take(allocator, blocks, answered - 1, heapPages) : null;
        return new ReplayProfile(
                timeline,
                series,
                blocks.peakBytes(),
                blocks.peakBytesCall(),
                blocks.bytes(),
                peakHeapPages * PAGE,
                heapPages * PAGE,
                largestHeap,
                last);
    }
}
