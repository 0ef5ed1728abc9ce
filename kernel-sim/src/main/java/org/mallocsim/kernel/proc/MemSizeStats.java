package org.mallocsim.kernel.proc;

import static org.mallocsim.kernel.Page.*;

import org.mallocsim.kernel.mm.PageStats;
import org.mallocsim.kernel.mm.VmFlags;
import org.mallocsim.kernel.mm.VmaView;

/**
 * The totals of one smaps entry or of smaps_rollup, Linux's {@code struct mem_size_stats}
 * (fs/proc/task_mmu.c), in bytes.
 *
 * <p>The emulated process is alone: every mapped page has one mapping, so it counts as private and
 * its whole size goes to Pss ({@code smaps_account} with mapcount 1). Shared, KSM, THP, hugetlb and
 * swap counters therefore stay zero.
 */
final class MemSizeStats {

    long resident;
    long sharedClean;
    long sharedDirty;
    long privateClean;
    long privateDirty;
    long referenced;
    long anonymous;
    long ksm;
    long lazyFree;
    long anonymousThp;
    long shmemThp;
    long fileThp;
    long swap;
    long sharedHugetlb;
    long privateHugetlb;
    long pss;
    long pssDirty;
    long pssAnon;
    long pssFile;
    long pssShmem;
    long pssLocked;
    long swapPss;

    /** Accumulates the walk of one VMA, as {@code smap_gather_stats} with {@code smaps_account} per page. */
    void add(VmaView vma, PageStats pages) {
        long rss = pages.rss() << PAGE_SHIFT;
        long anon = pages.anonymous() << PAGE_SHIFT;
        resident += rss;
        privateClean += pages.privateClean() << PAGE_SHIFT;
        privateDirty += pages.privateDirty() << PAGE_SHIFT;
        referenced += pages.referenced() << PAGE_SHIFT;
        anonymous += anon;
        lazyFree += pages.lazyFree() << PAGE_SHIFT;
        pss += rss;
        pssDirty += pages.privateDirty() << PAGE_SHIFT;
        pssAnon += anon;
        if (isShmem(vma)) {
            pssShmem += rss - anon;
        } else {
            pssFile += rss - anon;
        }
        if ((vma.flags() & VmFlags.VM_LOCKED) != 0) {
            pssLocked += rss;
        }
    }

    /**
     * Whether the VMA's non-anonymous pages are shmem (swap-backed) rather than page cache: shared
     * anonymous memory ({@code /dev/zero (deleted)}), named shared anonymous memory, memfd and
     * {@code /dev/shm}. Judged by name, as {@code VmaView} carries no backing type.
     */
    static boolean isShmem(VmaView vma) {
        String name = vma.name();
        return name != null
                && (name.startsWith("/dev/zero")
                        || name.startsWith("[anon_shmem:")
                        || name.startsWith("/memfd:")
                        || name.startsWith("/dev/shm/")
                        || name.startsWith("/SYSV"));
    }
}
