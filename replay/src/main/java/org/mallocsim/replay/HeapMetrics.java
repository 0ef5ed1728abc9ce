package org.mallocsim.replay;

/**
 * How well a policy used memory over one replay, in the terms of Johnstone and Wilson, "The Memory
 * Fragmentation Problem: Solved?" (ISMM 1998, section 4): the heap is every byte the process
 * mapped from the moment the allocator was made (its brk heap, its mmapped regions and its own
 * state, which is the kernel's {@code total_vm} less what was mapped before), the live bytes are
 * the sum of the sizes the program asked for and has not freed. Both are sampled after every call.
 * Their measure #3 is {@link #fragmentationAtPeakHeap()}, #4 {@link #peakHeapOverPeakLive()}; the
 * "point of peak live" is their measure #2.
 *
 * @param peakLiveBytes        the most live bytes at once
 * @param heapAtPeakLive       heap bytes at that moment (the first, if it recurs)
 * @param peakHeapBytes        the largest heap
 * @param liveAtPeakHeap       live bytes at that moment (the first, if it recurs)
 * @param usableAtPeakHeap     usable bytes of the live blocks then (malloc_usable_size summed)
 * @param meanHeapOverLive     heap / live averaged over the calls where live &gt; 0 (their measure #1)
 * @param finalLiveBytes       live bytes at the end
 * @param finalUsableBytes     usable bytes of the live blocks at the end
 * @param finalHeapBytes       heap bytes at the end
 * @param finalFreeBytes       free bytes the allocator holds at the end ({@code mallinfo2().fordblks}),
 *                             or -1 when the process died
 * @param peakRssPages         the largest RSS sampled after a call, in pages
 * @param accesses             emulated loads and stores made inside allocator calls
 * @param calls                allocator calls metered
 */
public record HeapMetrics(
        long peakLiveBytes,
        long heapAtPeakLive,
        long peakHeapBytes,
        long liveAtPeakHeap,
        long usableAtPeakHeap,
        double meanHeapOverLive,
        long finalLiveBytes,
        long finalUsableBytes,
        long finalHeapBytes,
        long finalFreeBytes,
        long peakRssPages,
        long accesses,
        long calls) {

    /** Heap over live at the point of peak live, less one, in percent (measure #2). */
    public double fragmentationAtPeakLive() {
        return percentOver(heapAtPeakLive, peakLiveBytes);
    }

    /** Heap over live at the point of peak heap, less one, in percent (measure #3). */
    public double fragmentationAtPeakHeap() {
        return percentOver(peakHeapBytes, liveAtPeakHeap);
    }

    /** Peak heap over peak live, less one, in percent (measure #4). */
    public double peakHeapOverPeakLive() {
        return percentOver(peakHeapBytes, peakLiveBytes);
    }

    /** Internal fragmentation at the point of peak heap: usable bytes given beyond the requests. */
    public long internalAtPeakHeap() {
        return usableAtPeakHeap - liveAtPeakHeap;
    }

    /** External fragmentation and overhead at the point of peak heap: heap bytes no live block can use. */
    public long externalAtPeakHeap() {
        return peakHeapBytes - usableAtPeakHeap;
    }

    /** Internal fragmentation at the end. */
    public long finalInternalBytes() {
        return finalUsableBytes - finalLiveBytes;
    }

    /**
     * Metadata overhead at the end: heap bytes that are neither usable by a live block nor free in
     * the allocator's own account (headers, footers, indexes, state pages, page rounding); -1 when
     * the process died and {@code mallinfo2} could not be asked.
     */
    public long finalMetadataBytes() {
        return finalFreeBytes < 0 ? -1 : finalHeapBytes - finalUsableBytes - finalFreeBytes;
    }

    /** Mean emulated memory accesses per allocator call. */
    public double accessesPerCall() {
        return calls == 0 ? 0 : (double) accesses / calls;
    }

    private static double percentOver(long heap, long live) {
        return live == 0 ? 0 : 100.0 * (heap - live) / live;
    }
}
