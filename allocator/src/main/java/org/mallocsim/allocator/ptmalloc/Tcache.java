package org.mallocsim.allocator.ptmalloc;

import org.mallocsim.kernel.mm.AddressSpace;

/**
 * The per-thread cache (malloc/malloc.c, USE_TCACHE): put, get, the double-free walk of
 * {@code _int_free}, and {@code tcache_init}. Entries are safe-linked singly linked LIFO lists.
 */
final class Tcache {
    private Tcache() {}

    /** Follows {@code tcache_put}: push {@code chunk} on bin {@code tcIdx}, stamped with tcache_key. */
    static void tcachePut(MallocContext c, long chunk, long tcIdx) {
        tcachePut(c, chunk, tcIdx, count(c, c.tcache(), tcIdx));
    }

    /**
     * {@link #tcachePut(MallocContext, long, long)} for a caller that has just read the bin's
     * count, {@code count}, with no store since: the increment starts from it instead of a second
     * load, unless the entry's key or next pointer (stored first) overlap the count, as they can
     * for a forged chunk inside the tcache itself, when it is loaded again as glibc does.
     */
    static void tcachePut(MallocContext c, long chunk, long tcIdx, long count) {
        AddressSpace as = c.as;
        long tcache = c.tcache();
        long e = Chunk.chunk2mem(chunk);
        as.store64(e + TcachePerthread.ENTRY_KEY, c.tcacheKey());
        long head = TcachePerthread.entryAddr(tcache, tcIdx);
        as.store64(e + TcachePerthread.ENTRY_NEXT, Chunk.protectPtr(e + TcachePerthread.ENTRY_NEXT, as.load64(head)));
        as.store64(head, e);
        long cnt = TcachePerthread.countAddr(tcache, tcIdx);
        if (Long.compareUnsigned(cnt + 1 - e, TcachePerthread.ENTRY_SIZE + 1) < 0) {
            count = as.load16(cnt); // [cnt, cnt + 2) meets [e, e + 16): the stores above may have changed it
        }
        as.store16(cnt, (int) (count + 1) & 0xffff);
    }

    /** Follows {@code tcache_get}: pop the head of bin {@code tcIdx}; returns user memory. */
    static long tcacheGet(MallocContext c, long tcIdx) {
        return tcacheGet(c, tcIdx, count(c, c.tcache(), tcIdx));
    }

    /**
     * {@link #tcacheGet(MallocContext, long)} for a caller that has just read the bin's count,
     * {@code count}: the only store before the decrement is to {@code entries[tcIdx]}, which never
     * overlaps {@code counts[]}, so the value read is the value glibc's decrement loads.
     */
    static long tcacheGet(MallocContext c, long tcIdx, long count) {
        AddressSpace as = c.as;
        long tcache = c.tcache();
        long head = TcachePerthread.entryAddr(tcache, tcIdx);
        long e = as.load64(head);
        if (Chunk.misaligned(e)) {
            throw c.printerr("malloc(): unaligned tcache chunk detected");
        }
        as.store64(head, Chunk.revealPtr(e + TcachePerthread.ENTRY_NEXT, as.load64(e + TcachePerthread.ENTRY_NEXT)));
        as.store16(TcachePerthread.countAddr(tcache, tcIdx), (int) (count - 1) & 0xffff);
        as.store64(e + TcachePerthread.ENTRY_KEY, 0);
        return e;
    }

    /** {@code tcache->counts[tcIdx]}. */
    static long count(MallocContext c, long tcache, long tcIdx) {
        return c.as.load16(TcachePerthread.countAddr(tcache, tcIdx)) & 0xffff;
    }

    /**
     * The tcache part of {@code _int_free}: if the chunk carries tcache_key, walk its bin to tell a
     * double free from a coincidence; then cache it if the bin has room.
     *
     * @return true if the chunk went into the tcache
     */
    static boolean tryFreeToTcache(MallocContext c, long p, long size) {
        long tcache = c.tcache();
        long tcIdx = Chunk.csize2tidx(size);
        if (tcache == 0 || Long.compareUnsigned(tcIdx, c.mpLoad(MallocPar.TCACHE_BINS)) >= 0) {
            return false;
        }
        AddressSpace as = c.as;
        long e = Chunk.chunk2mem(p);
        if (as.load64(e + TcachePerthread.ENTRY_KEY) == c.tcacheKey()) {
            long limit = c.mpLoad(MallocPar.TCACHE_COUNT);
            long cnt = 0;
            for (long tmp = as.load64(TcachePerthread.entryAddr(tcache, tcIdx));
                    tmp != 0;
                    tmp = Chunk.revealPtr(
                                    tmp + TcachePerthread.ENTRY_NEXT, as.load64(tmp + TcachePerthread.ENTRY_NEXT)),
                            cnt++) {
                if (Long.compareUnsigned(cnt, limit) >= 0) {
                    throw c.printerr("free(): too many chunks detected in tcache");
                }
                if (Chunk.misaligned(tmp)) {
                    throw c.printerr("free(): unaligned chunk detected in tcache 2");
                }
                if (tmp == e) {
                    throw c.printerr("free(): double free detected in tcache 2");
                }
            }
        }
        long count = count(c, tcache, tcIdx);
        if (Long.compareUnsigned(count, c.mpLoad(MallocPar.TCACHE_COUNT)) < 0) {
            tcachePut(c, p, tcIdx, count);
            return true;
        }
        return false;
    }

    /**
     * Follows {@code tcache_init} and {@code MAYBE_INIT_TCACHE}: allocate the calling thread's
     * tcache_perthread_struct from its arena and clear it; on failure try again on a later call.
     */
    static void maybeInitTcache(MallocContext c) {
        if (c.tcache() != 0 || c.tcacheShuttingDown()) {
            return;
        }
        long av = Arenas.arenaGet(c, TcachePerthread.SIZE);
        long victim = IntMalloc.intMalloc(c, av, TcachePerthread.SIZE);
        if (victim == 0 && av != 0) {
            av = Arenas.arenaGetRetry(c, av, TcachePerthread.SIZE);
            victim = IntMalloc.intMalloc(c, av, TcachePerthread.SIZE);
        }
        if (victim != 0) {
            c.setTcache(victim);
            c.as.fill(victim, 0, TcachePerthread.SIZE);
        }
    }
}
