package org.mallocsim.allocator.ptmalloc;

/**
 * {@code mallopt} and the {@code do_set_*} helpers it shares with the tunables (malloc/malloc.c).
 */
final class MallOpt {
    static final int M_MXFAST = 1;
    static final int M_TRIM_THRESHOLD = -1;
    static final int M_TOP_PAD = -2;
    static final int M_MMAP_THRESHOLD = -3;
    static final int M_MMAP_MAX = -4;
    static final int M_CHECK_ACTION = -5;
    static final int M_PERTURB = -6;
    static final int M_ARENA_TEST = -7;
    static final int M_ARENA_MAX = -8;

    private MallOpt() {}

    /**
     * Follows {@code __libc_mallopt}: consolidate the main arena, then set one parameter. Negative
     * ints reach the size_t helpers sign-extended, as in C.
     */
    static int mallopt(MallocContext c, int param, int value) {
        IntFree.mallocConsolidate(c, c.mainArena);
        long v = value;
        switch (param) {
            case M_MXFAST -> {
                return doSetMxfast(c, v);
            }
            case M_TRIM_THRESHOLD -> {
                return doSetTrimThreshold(c, v);
            }
            case M_TOP_PAD -> {
                return doSetTopPad(c, v);
            }
            case M_MMAP_THRESHOLD -> {
                return doSetMmapThreshold(c, v);
            }
            case M_MMAP_MAX -> {
                return doSetMmapsMax(c, value);
            }
            case M_CHECK_ACTION -> {
                return 1;
            }
            case M_PERTURB -> {
                c.setPerturbByte(value);
                return 1;
            }
            case M_ARENA_TEST -> {
                if (value > 0) {
                    c.mpStore(MallocPar.ARENA_TEST, v);
                }
                return 1;
            }
            case M_ARENA_MAX -> {
                if (value > 0) {
                    c.mpStore(MallocPar.ARENA_MAX, v);
                }
                return 1;
            }
            default -> {
                return 1;
            }
        }
    }

    /** {@code do_set_trim_threshold}: also turns the dynamic mmap threshold off. */
    static int doSetTrimThreshold(MallocContext c, long v) {
        c.mpStore(MallocPar.TRIM_THRESHOLD, v);
        c.mpStore32(MallocPar.NO_DYN_THRESHOLD, 1);
        return 1;
    }

    /** {@code do_set_top_pad}. */
    static int doSetTopPad(MallocContext c, long v) {
        c.mpStore(MallocPar.TOP_PAD, v);
        c.mpStore32(MallocPar.NO_DYN_THRESHOLD, 1);
        return 1;
    }

    /** {@code do_set_mmap_threshold}. */
    static int doSetMmapThreshold(MallocContext c, long v) {
        c.mpStore(MallocPar.MMAP_THRESHOLD, v);
        c.mpStore32(MallocPar.NO_DYN_THRESHOLD, 1);
        return 1;
    }

    /** {@code do_set_mmaps_max}. */
    static int doSetMmapsMax(MallocContext c, int v) {
        c.mpStore32(MallocPar.N_MMAPS_MAX, v);
        c.mpStore32(MallocPar.NO_DYN_THRESHOLD, 1);
        return 1;
    }

    /** {@code do_set_tcache_max}: only up to MAX_TCACHE_SIZE (1032). */
    static int doSetTcacheMax(MallocContext c, long v) {
        if (Long.compareUnsigned(v, MallocContext.MAX_TCACHE_SIZE) <= 0) {
            c.mpStore(MallocPar.TCACHE_MAX_BYTES, v);
            c.mpStore(MallocPar.TCACHE_BINS, Chunk.csize2tidx(Chunk.request2size(v)) + 1);
            return 1;
        }
        return 0;
    }

    /** {@code do_set_tcache_count}: only up to MAX_TCACHE_COUNT (65535). */
    static int doSetTcacheCount(MallocContext c, long v) {
        if (Long.compareUnsigned(v, MallocContext.MAX_TCACHE_COUNT) <= 0) {
            c.mpStore(MallocPar.TCACHE_COUNT, v);
            return 1;
        }
        return 0;
    }

    /** {@code do_set_mxfast}: only up to MAX_FAST_SIZE (160). */
    static int doSetMxfast(MallocContext c, long v) {
        if (Long.compareUnsigned(v, Chunk.MAX_FAST_SIZE) <= 0) {
            c.setMaxFast(v);
            return 1;
        }
        return 0;
    }
}
