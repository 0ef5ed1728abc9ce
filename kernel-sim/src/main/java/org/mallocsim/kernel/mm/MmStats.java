package org.mallocsim.kernel.mm;

/**
 * The counters of one address space ({@code mm_struct} page counts, RSS counters, fault and
 * syscall counts), as /proc/PID/status and the reports use them. Page counts are in pages.
 */
public record MmStats(
        long totalVm,
        long hiwaterVm,
        long lockedVm,
        long pinnedVm,
        long dataVm,
        long execVm,
        long stackVm,
        long rssAnon,
        long rssFile,
        long rssShmem,
        long hiwaterRss,
        long pageTableBytes,
        int mapCount,
        long minorFaults,
        long tlbHits,
        long tlbMisses,
        long framesInUse) {

    public long rss() {
        return rssAnon + rssFile + rssShmem;
    }
}
