package org.mallocsim.allocator.ptmalloc;

import org.mallocsim.kernel.Page;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.paging.PageWindow;

/**
 * The per-thread cache (malloc/malloc.c, USE_TCACHE): put, get, the double-free walk of
 * {@code _int_free}, and {@code tcache_init}. Entries are safe-linked singly linked LIFO lists.
 *
 * <p>The paths of a tcache hit reach the tcache_perthread_struct through a page window
 * ({@link AddressSpace#window}): the struct's page is looked up in the TLB once per call, and again
 * only if an access to the cached chunk in between flushed the TLB or could have evicted the
 * struct's entry. Half of a tcache pair's accesses are to the struct.
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
        put(c, 0, c.tcache(), tcIdx, Chunk.chunk2mem(chunk), count);
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
        return get(c, 0, c.tcache(), tcIdx, count);
    }

    /** {@code tcache->counts[tcIdx]}. */
    static long count(MallocContext c, long tcache, long tcIdx) {
        return c.as.load16(TcachePerthread.countAddr(tcache, tcIdx)) & 0xffff;
    }

    /**
     * A page window on the tcache_perthread_struct at {@code tcache} (see {@link AddressSpace#window}),
     * or 0 when the struct crosses a page (a heap that starts near a page's end) or the TLB does
     * not hold its page writable.
     */
    static long window(AddressSpace as, long tcache) {
        if (((tcache ^ (tcache + TcachePerthread.SIZE - 1)) & Page.PAGE_MASK) != 0) {
            return 0;
        }
        return as.window(tcache);
    }

    /**
     * The tcache step of {@code __libc_malloc}: {@code tcache_get} if bin {@code tcIdx} holds a
     * chunk; 0 otherwise.
     */
    static long tryGet(MallocContext c, long tcache, long tcIdx) {
        long w = window(c.as, tcache);
        long cnt = TcachePerthread.countAddr(tcache, tcIdx);
        long count = w != 0 ? c.as.windowLoad16(w, cnt) : count(c, tcache, tcIdx);
        return count > 0 ? get(c, w, tcache, tcIdx, count) : 0;
    }

    /**
     * {@code tcache_get} for a caller that has just read the bin's count, {@code count}, through
     * window {@code w} or, when {@code w} is 0, with an ordinary load: the struct's accesses go
     * through the window while nothing can have evicted its entry, ordinary ones after. The only
     * store before the decrement is to {@code entries[tcIdx]}, which never overlaps {@code
     * counts[]}, so {@code count} is the value glibc's decrement loads.
     */
    private static long get(MallocContext c, long w, long tcache, long tcIdx, long count) {
        AddressSpace as = c.as;
        long cnt = TcachePerthread.countAddr(tcache, tcIdx);
        long head = TcachePerthread.entryAddr(tcache, tcIdx);
        long e = w != 0 ? as.windowLoad64(w, head) : as.load64(head);
        if (Chunk.misaligned(e)) {
            throw c.printerr("malloc(): unaligned tcache chunk detected");
        }
        long generation = as.flushGeneration();
        long next = Chunk.revealPtr(e + TcachePerthread.ENTRY_NEXT, as.load64(e + TcachePerthread.ENTRY_NEXT));
        if (w != 0 && as.flushGeneration() == generation && !PageWindow.sharesEntry(e, tcache)) {
            as.windowStore64(w, head, next);
            as.windowStore16(w, cnt, (int) (count - 1) & 0xffff);
        } else {
            as.store64(head, next);
            as.store16(cnt, (int) (count - 1) & 0xffff);
        }
        as.store64(e + TcachePerthread.ENTRY_KEY, 0);
        return e;
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
            checkDoubleFree(c, tcache, tcIdx, e);
        }
        long w = window(as, tcache);
        long count = w != 0 ? as.windowLoad16(w, TcachePerthread.countAddr(tcache, tcIdx)) : count(c, tcache, tcIdx);
        if (Long.compareUnsigned(count, c.mpLoad(MallocPar.TCACHE_COUNT)) >= 0) {
            return false;
        }
        put(c, w, tcache, tcIdx, e, count);
        return true;
    }

    /**
     * The walk of {@code _int_free} for a chunk that carries tcache_key: a double free if the chunk
     * is in its bin, or glibc's abort for a bin too long or holding a misaligned entry.
     */
    private static void checkDoubleFree(MallocContext c, long tcache, long tcIdx, long e) {
        AddressSpace as = c.as;
        long limit = c.mpLoad(MallocPar.TCACHE_COUNT);
        long cnt = 0;
        for (long tmp = as.load64(TcachePerthread.entryAddr(tcache, tcIdx));
                tmp != 0;
                tmp = Chunk.revealPtr(tmp + TcachePerthread.ENTRY_NEXT, as.load64(tmp + TcachePerthread.ENTRY_NEXT)),
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

    /**
     * {@code tcache_put} of the entry at user memory {@code e}, for a caller that has just read the
     * bin's count, {@code count}, through window {@code w} or, when {@code w} is 0, with an ordinary
     * load, and stored nothing since: the struct's accesses go through the window while nothing can
     * have evicted its entry, ordinary ones after. The increment starts from {@code count} unless
     * the entry's key or next pointer (stored first) overlap the count, as they can for a forged
     * chunk inside the tcache itself, when it is loaded again as glibc does.
     */
    private static void put(MallocContext c, long w, long tcache, long tcIdx, long e, long count) {
        AddressSpace as = c.as;
        long cnt = TcachePerthread.countAddr(tcache, tcIdx);
        long head = TcachePerthread.entryAddr(tcache, tcIdx);
        long generation = as.flushGeneration();
        as.store64(e + TcachePerthread.ENTRY_KEY, c.tcacheKey());
        boolean holds = w != 0 && as.flushGeneration() == generation && !PageWindow.sharesEntry(e, tcache);
        long old = holds ? as.windowLoad64(w, head) : as.load64(head);
        as.store64(e + TcachePerthread.ENTRY_NEXT, Chunk.protectPtr(e + TcachePerthread.ENTRY_NEXT, old));
        holds = holds && as.flushGeneration() == generation;
        if (Long.compareUnsigned(cnt + 1 - e, TcachePerthread.ENTRY_SIZE + 1) < 0) {
            count = -1; // the entry overlaps counts[tcIdx]: load it again after the stores, as glibc does
        }
        if (holds) {
            as.windowStore64(w, head, e);
            as.windowStore16(w, cnt, (int) ((count < 0 ? as.windowLoad16(w, cnt) : count) + 1) & 0xffff);
        } else {
            as.store64(head, e);
            as.store16(cnt, (int) ((count < 0 ? as.load16(cnt) & 0xffff : count) + 1) & 0xffff);
        }
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
