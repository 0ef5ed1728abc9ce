package org.mallocsim.kernel.mm;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The shmem object that {@code shmem_zero_setup} (mm/shmem.c) gives a MAP_SHARED|MAP_ANONYMOUS
 * mapping: its pages, indexed by page offset, outlive zaps of the PTEs (MADV_DONTNEED keeps the
 * data) and are freed when the last mapping goes, as the unlinked {@code /dev/zero} inode is.
 */
final class Shmem {
    /** The inode number /proc shows; shmem inodes on the internal mount. */
    final long inode;
    /** {@code i_size} in pages: set at mmap; pages beyond it give SIGBUS (mremap does not grow it). */
    final long sizePages;
    /** pfn + 1 of each page offset, 0 when the page was never touched. */
    long[] pages;
    /**
     * Page offsets whose folio is dirty in the page cache: set when a dirty PTE is zapped
     * ({@code zap_present_folio_ptes} calls {@code folio_mark_dirty}) and never cleaned, since
     * without swap nothing writes shmem back. smaps counts such a page dirty even under a clean PTE.
     */
    final BitSet dirty = new BitSet();
    /** Number of VMAs that map this object. */
    int mappings = 1;
    /** Pages charged to Committed_AS at creation (0 for MAP_NORESERVE). */
    long committed;

    Shmem(long inode, long sizePages) {
        this.inode = inode;
        this.sizePages = sizePages;
        // grown on demand: a large MAP_NORESERVE object costs nothing until touched
        this.pages = new long[(int) Math.min(Math.max(sizePages, 1), 64)];
    }

    /** The frame of page {@code index}, or -1 when it has none yet. */
    long pfn(long index) {
        return index < pages.length ? pages[(int) index] - 1 : -1;
    }

    void setPfn(long index, long pfn) {
        if (index >= pages.length) {
            pages = Arrays.copyOf(pages, (int) Math.max(index + 1, pages.length * 2L));
        }
        pages[(int) index] = pfn + 1;
    }

    /** Number of frames the object holds. */
    long frameCount() {
        long n = 0;
        for (long p : pages) {
            if (p != 0) {
                n++;
            }
        }
        return n;
    }
}
