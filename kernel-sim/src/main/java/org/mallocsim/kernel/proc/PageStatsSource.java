package org.mallocsim.kernel.proc;

import org.mallocsim.kernel.mm.PageStats;

/**
 * Where smaps gets the page-table walk of one VMA ({@code smap_gather_stats} in
 * fs/proc/task_mmu.c). {@code AddressSpace::pageStats} is one; tests pass a map from start address.
 */
@FunctionalInterface
public interface PageStatsSource {

    /** The pages mapped in [start, end), which is exactly one VMA. */
    PageStats pageStats(long start, long end);
}
