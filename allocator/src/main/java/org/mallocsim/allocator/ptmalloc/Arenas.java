package org.mallocsim.allocator.ptmalloc;

/**
 * Arena selection (malloc/arena.c). This emulation runs one thread, whose thread_arena is the
 * main arena once ptmalloc_init ran; thread arenas and heaps plug in here.
 */
final class Arenas {
    private Arenas() {}

    /** Follows {@code arena_get}: the calling thread's arena (0 if there is none). */
    static long arenaGet(MallocContext c, long size) {
        long a = c.threadArena();
        return a != 0 ? a : c.mainArena;
    }

    /** Follows {@code arena_get_retry}: a non-main arena retries in main_arena; main has no other. */
    static long arenaGetRetry(MallocContext c, long av, long bytes) {
        return av != c.mainArena ? c.mainArena : 0;
    }

    /** Follows {@code ptmalloc_init} (malloc/arena.c): key, thread_arena, main arena, tunables. */
    static void ptmallocInit(MallocContext c) {
        if (c.initialized()) {
            return;
        }
        c.setInitialized();
        c.tcacheKeyInitialize();
        c.setThreadArena(c.mainArena);
        IntMalloc.mallocInitState(c, c.mainArena);
        Tunables t = c.tunables;
        if (t.isSet(Tunables.TOP_PAD)) {
            MallOpt.doSetTopPad(c, t.value(Tunables.TOP_PAD));
        }
        if (t.isSet(Tunables.PERTURB)) {
            c.setPerturbByte((int) t.value(Tunables.PERTURB));
        }
        if (t.isSet(Tunables.MMAP_THRESHOLD)) {
            MallOpt.doSetMmapThreshold(c, t.value(Tunables.MMAP_THRESHOLD));
        }
        if (t.isSet(Tunables.TRIM_THRESHOLD)) {
            MallOpt.doSetTrimThreshold(c, t.value(Tunables.TRIM_THRESHOLD));
        }
        if (t.isSet(Tunables.MMAP_MAX)) {
            MallOpt.doSetMmapsMax(c, (int) t.value(Tunables.MMAP_MAX));
        }
        if (t.isSet(Tunables.ARENA_MAX)) {
            c.mpStore(MallocPar.ARENA_MAX, t.value(Tunables.ARENA_MAX));
        }
        if (t.isSet(Tunables.ARENA_TEST)) {
            c.mpStore(MallocPar.ARENA_TEST, t.value(Tunables.ARENA_TEST));
        }
        if (t.isSet(Tunables.TCACHE_MAX)) {
            MallOpt.doSetTcacheMax(c, t.value(Tunables.TCACHE_MAX));
        }
        if (t.isSet(Tunables.TCACHE_COUNT)) {
            MallOpt.doSetTcacheCount(c, t.value(Tunables.TCACHE_COUNT));
        }
        if (t.isSet(Tunables.TCACHE_UNSORTED_LIMIT)) {
            c.mpStore(MallocPar.TCACHE_UNSORTED_LIMIT, t.value(Tunables.TCACHE_UNSORTED_LIMIT));
        }
        if (t.isSet(Tunables.MXFAST)) {
            MallOpt.doSetMxfast(c, t.value(Tunables.MXFAST));
        }
    }
}
