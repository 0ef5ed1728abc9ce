package org.mallocsim.allocator.ptmalloc;

/**
 * The layout of glibc's {@code struct malloc_par mp_} (malloc/malloc.c, 2.36 with tunables) on
 * x86-64: the process-wide parameters and mmap statistics.
 *
 * <pre>
 *  0x00  unsigned long trim_threshold
 *  0x08  size_t top_pad
 *  0x10  size_t mmap_threshold
 *  0x18  size_t arena_test
 *  0x20  size_t arena_max
 *  0x28  size_t thp_pagesize
 *  0x30  size_t hp_pagesize
 *  0x38  int    hp_flags
 *  0x3c  int    n_mmaps
 *  0x40  int    n_mmaps_max
 *  0x44  int    max_n_mmaps
 *  0x48  int    no_dyn_threshold
 *  0x4c  (pad)
 *  0x50  size_t mmapped_mem
 *  0x58  size_t max_mmapped_mem
 *  0x60  char  *sbrk_base
 *  0x68  size_t tcache_bins
 *  0x70  size_t tcache_max_bytes
 *  0x78  size_t tcache_count
 *  0x80  size_t tcache_unsorted_limit
 *  0x88  (end)
 * </pre>
 */
final class MallocPar {
    static final int TRIM_THRESHOLD = 0;
    static final int TOP_PAD = TRIM_THRESHOLD + 8;
    static final int MMAP_THRESHOLD = TOP_PAD + 8;
    static final int ARENA_TEST = MMAP_THRESHOLD + 8;
    static final int ARENA_MAX = ARENA_TEST + 8;
    static final int THP_PAGESIZE = ARENA_MAX + 8;
    static final int HP_PAGESIZE = THP_PAGESIZE + 8;
    static final int HP_FLAGS = HP_PAGESIZE + 8;
    static final int N_MMAPS = HP_FLAGS + 4;
    static final int N_MMAPS_MAX = N_MMAPS + 4;
    static final int MAX_N_MMAPS = N_MMAPS_MAX + 4;
    static final int NO_DYN_THRESHOLD = MAX_N_MMAPS + 4;
    static final int MMAPPED_MEM = NO_DYN_THRESHOLD + 4 + 4;
    static final int MAX_MMAPPED_MEM = MMAPPED_MEM + 8;
    static final int SBRK_BASE = MAX_MMAPPED_MEM + 8;
    static final int TCACHE_BINS = SBRK_BASE + 8;
    static final int TCACHE_MAX_BYTES = TCACHE_BINS + 8;
    static final int TCACHE_COUNT = TCACHE_MAX_BYTES + 8;
    static final int TCACHE_UNSORTED_LIMIT = TCACHE_COUNT + 8;
    /** {@code sizeof(struct malloc_par)}. */
    static final int SIZE = TCACHE_UNSORTED_LIMIT + 8;

    private MallocPar() {}
}
