package org.mallocsim.replay;

/**
 * How the process's memory went during a replay: the bounded {@link Timeline}, the live bytes
 * and heap size at their peaks, and the heap maps the report draws.
 *
 * @param timeline       RSS, VM size, heap size, live bytes and syscalls over the calls
 * @param series         every call's values at full resolution, or null when maps were not asked
 *                       for (only a report needs them)
 * @param peakLiveBytes  the most bytes live at once (what the program held, not what it cost)
 * @param peakLiveCall   the call (0-based) after which the live bytes peaked, -1 without blocks
 * @param finalLiveBytes bytes live at the end
 * @param peakHeapBytes  the most private writable bytes the allocator had mapped at once ({@code VmData}
 *                       growth since the first call; a thread heap's PROT_NONE reserve is not heap)
 * @param finalHeapBytes bytes the allocator had mapped at the end
 * @param largestHeap    the heap map taken when the heap was at (or within 1/32 of) its largest,
 *                       or null when maps were not asked for
 * @param finalHeap      the heap map at the end, or null when the process died or made no call
 */
public record ReplayProfile(
        Timeline timeline,
        CallSeries series,
        long peakLiveBytes,
        long peakLiveCall,
        long finalLiveBytes,
        long peakHeapBytes,
        long finalHeapBytes,
        HeapMap largestHeap,
        HeapMap finalHeap) {

    /**
     * How much of the allocator's mapped memory held no live data at the end, in [0, 1]:
     * {@code 1 - live / heap}; 0 when nothing is mapped.
     */
    public double fragmentation() {
        return finalHeapBytes <= 0 ? 0 : Math.max(0, 1 - (double) finalLiveBytes / finalHeapBytes);
    }

    /** The same when the largest heap map was taken; NaN without maps. */
    public double fragmentationAtLargest() {
        if (largestHeap == null) {
            return Double.NaN;
        }
        return largestHeap.heapBytes() <= 0
                ? 0
                : Math.max(0, 1 - (double) largestHeap.liveBytes() / largestHeap.heapBytes());
    }
}
