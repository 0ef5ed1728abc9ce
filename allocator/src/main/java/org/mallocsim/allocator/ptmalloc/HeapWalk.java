package org.mallocsim.allocator.ptmalloc;

import java.util.HashMap;
import java.util.Map;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * A read-only walk of every chunk of every arena, each with the list that holds it, for heap
 * maps: the walk {@code do_check_malloc_state} (malloc/malloc.c) makes, without its checks. The
 * lists are read first (every thread's tcache, then each arena's fastbins and bins); then each
 * heap is walked chunk by chunk from its first chunk to the end of its top chunk (the main heap
 * from {@code sbrk_base}, each thread heap from its {@code heap_info} header), as
 * {@link HeapChecker} walks them. Only loads are made, through the emulated MMU, so the
 * allocator's state and the process's RSS are unchanged (page-table walks and TLB counters
 * aside). Mmapped chunks belong to no heap and are not visited.
 *
 * <p>Not a hot path: it boxes list membership in a map.
 */
public final class HeapWalk {
    /** An allocated chunk (or one the allocator keeps for itself, such as the tcache). */
    public static final int IN_USE = 0;
    /** A chunk in a tcache bin (its header still says in use). */
    public static final int TCACHE = 1;
    /** A chunk in a fastbin (its header still says in use). */
    public static final int FASTBIN = 2;
    /** A free chunk in a smallbin. */
    public static final int SMALL = 3;
    /** A free chunk in a largebin. */
    public static final int LARGE = 4;
    /** A free chunk in the unsorted bin. */
    public static final int UNSORTED = 5;
    /** An arena's top chunk. */
    public static final int TOP = 6;
    /** The names of the states, indexed by state. */
    private static final String[] NAMES = {"in use", "tcache", "fastbin", "small", "large", "unsorted", "top"};

    /** What a walk reports, in address order within each heap. */
    public interface Visitor {
        /**
         * A heap starts: the main heap or one 64 MiB heap of a thread arena.
         *
         * @param start its first chunk
         * @param end   the end of its last chunk
         * @param main  true for the main arena's heap
         */
        void heap(long start, long end, boolean main);

        /** One chunk of the heap last announced: its address, size and state. */
        void chunk(long chunk, long size, int state);
    }

    private HeapWalk() {}

    /** The name of a state, as heap maps label it. */
    public static String stateName(int state) {
        return NAMES[state];
    }

    /** The number of states. */
    public static int states() {
        return NAMES.length;
    }

    /** Walks the process; {@code tcaches} are every thread's tcache_perthread_struct (0s skipped). */
    static void walk(MallocContext c, long[] tcaches, Visitor v) {
        if (!c.initialized()) {
            return;
        }
        AddressSpace as = c.as;
        Map<Long, Integer> listed = new HashMap<>();
        for (long tcache : tcaches) {
            if (tcache != 0) {
                listTcache(as, tcache, listed);
            }
        }
        long av = c.mainArena;
        do {
            listBins(as, av, listed);
            av = as.load64(av + MallocState.NEXT);
        } while (av != c.mainArena);
        do {
            if (av == c.mainArena) {
                walkMainHeap(c, listed, v);
            } else {
                walkThreadHeaps(c, av, listed, v);
            }
            av = as.load64(av + MallocState.NEXT);
        } while (av != c.mainArena);
    }

    private static void listTcache(AddressSpace as, long tcache, Map<Long, Integer> listed) {
        for (long i = 0; i < Chunk.TCACHE_MAX_BINS; i++) {
            long e = as.load64(TcachePerthread.entryAddr(tcache, i));
            for (int n = 0; e != 0 && !Chunk.misaligned(e) && n < 1 << 16; n++) {
                listed.put(Chunk.mem2chunk(e), TCACHE);
                e = Chunk.revealPtr(e, as.load64(e));
            }
        }
    }

    private static void listBins(AddressSpace as, long av, Map<Long, Integer> listed) {
        for (int i = 0; i < Chunk.NFASTBINS; i++) {
            long p = as.load64(MallocState.fastbin(av, i));
            for (int n = 0; p != 0 && !Chunk.misaligned(p) && n < 10_000_000; n++) {
                listed.put(p, FASTBIN);
                p = Chunk.revealPtr(p + Chunk.FD, Chunk.fd(as, p));
            }
        }
        for (int i = 1; i < Chunk.NBINS; i++) {
            long bin = MallocState.binAt(av, i);
            int state = i == 1 ? UNSORTED : i < Chunk.NSMALLBINS ? SMALL : LARGE;
            long p = Chunk.fd(as, bin);
            for (int n = 0; p != bin && p != 0 && n < 10_000_000; n++) {
                listed.put(p, state);
                p = Chunk.fd(as, p);
            }
        }
    }

    private static void walkMainHeap(MallocContext c, Map<Long, Integer> listed, Visitor v) {
        long base = c.mpLoad(MallocPar.SBRK_BASE);
        if (base == 0) {
            return;
        }
        long p =
                ((base + Chunk.CHUNK_HDR_SZ + Chunk.MALLOC_ALIGN_MASK) & ~Chunk.MALLOC_ALIGN_MASK) - Chunk.CHUNK_HDR_SZ;
        long top = c.top(c.mainArena);
        long end = top + Chunk.chunksize(c.as, top);
        if (Long.compareUnsigned(p, top) > 0) {
            return; // a foreign sbrk moved top below the first chunk: nothing to walk
        }
        v.heap(p, end, true);
        walk(c.as, p, top, listed, v);
    }

    private static void walkThreadHeaps(MallocContext c, long av, Map<Long, Integer> listed, Visitor v) {
        AddressSpace as = c.as;
        long top = c.top(av);
        for (long h = HeapInfo.heapForPtr(top); h != 0; h = as.load64(h + HeapInfo.PREV)) {
            long start = h + HeapInfo.STRUCT_SIZE;
            if (av == start) {
                start += MallocState.SIZE;
            }
            long p = ((start + Chunk.CHUNK_HDR_SZ + Chunk.MALLOC_ALIGN_MASK) & ~Chunk.MALLOC_ALIGN_MASK)
                    - Chunk.CHUNK_HDR_SZ;
            boolean hasTop = HeapInfo.heapForPtr(top) == h;
            long end = hasTop ? top + Chunk.chunksize(as, top) : h + as.load64(h + HeapInfo.SIZE);
            v.heap(p, end, false);
            walk(as, p, hasTop ? top : -1, listed, v);
        }
    }

    /**
     * Chunks from {@code p} to {@code top} and top itself, or, when top is -1, up to the
     * {@code 0|PREV_INUSE} header that ends an old thread heap. A main-heap fencepost (a
     * foreign sbrk) or a size that cannot be ends the walk.
     */
    private static void walk(AddressSpace as, long p, long top, Map<Long, Integer> listed, Visitor v) {
        while (p != top) {
            long raw = Chunk.sizeNomask(as, p);
            long sz = raw & ~Chunk.SIZE_BITS;
            if (top == -1 && raw == Chunk.PREV_INUSE) {
                return;
            }
            if (Long.compareUnsigned(sz, Chunk.MINSIZE) < 0
                    || (sz & Chunk.MALLOC_ALIGN_MASK) != 0
                    || (top != -1 && Long.compareUnsigned(p + sz, top) > 0)) {
                return; // fencepost or damage: what follows cannot be walked
            }
            Integer state = listed.get(p);
            v.chunk(p, sz, state == null ? IN_USE : state);
            p += sz;
        }
        v.chunk(top, Chunk.chunksize(as, top), TOP);
    }
}
