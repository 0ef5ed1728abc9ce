package org.mallocsim.allocator.ptmalloc;

import java.util.HashMap;
import java.util.Map;

/**
 * A read-only walk of every chunk of every arena, each with the list that holds it, for heap
 * maps: the walk {@code do_check_malloc_state} (malloc/malloc.c) makes, without its checks, done
 * by {@link HeapReader}. The lists are read first (every thread's tcache, then each arena's
 * fastbins and bins); then each heap is walked chunk by chunk from its first chunk to the end of
 * its top chunk (the main heap from {@code sbrk_base}, each thread heap from its {@code heap_info}
 * header). A size that cannot be (a fencepost, damage) ends a heap's walk. Only loads are made,
 * through the emulated MMU, so the allocator's state and the process's RSS are unchanged
 * (page-table walks and TLB counters aside). Mmapped chunks belong to no heap and are not visited.
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
        Map<Long, Integer> listed = new HashMap<>();
        HeapReader.listed(c, tcaches, (p, state, bin) -> listed.put(p, state));
        long av = c.mainArena;
        do {
            HeapReader.chunks(c, av, new Heaps(c, av, listed, v));
            av = HeapReader.nextArena(c.as, av);
        } while (av != c.mainArena);
    }

    /** One arena's heaps, told to the visitor with each chunk's state. */
    private static final class Heaps implements HeapReader.Chunks {
        private final MallocContext c;
        private final boolean main;
        private final long top;
        private final Map<Long, Integer> listed;
        private final Visitor v;
        /** Whether the heap being walked holds the arena's top chunk (an older thread heap does not). */
        private boolean holdsTop;

        Heaps(MallocContext c, long av, Map<Long, Integer> listed, Visitor v) {
            this.c = c;
            this.main = av == c.mainArena;
            this.top = c.top(av);
            this.listed = listed;
            this.v = v;
        }

        @Override
        public boolean heap(long start, long first) {
            long topEnd = top + Chunk.chunksize(c.as, top);
            if (main) {
                if (Long.compareUnsigned(first, top) > 0) {
                    return false; // a foreign sbrk moved top below the first chunk: nothing to walk
                }
                holdsTop = true;
                v.heap(first, topEnd, true);
            } else {
                holdsTop = HeapInfo.heapForPtr(top) == start;
                v.heap(first, holdsTop ? topEnd : start + c.as.load64(start + HeapInfo.SIZE), false);
            }
            return true;
        }

        /**
         * Each chunk up to top, and top itself; an older thread heap ends at its {@code 0|PREV_INUSE}
         * header. A size below MINSIZE, misaligned or reaching past top stops the walk.
         */
        @Override
        public boolean chunk(long p, long raw) {
            long sz = raw & ~Chunk.SIZE_BITS;
            if (p == top) {
                v.chunk(top, sz, TOP);
                return true;
            }
            if (!holdsTop && raw == Chunk.PREV_INUSE) {
                return false;
            }
            if (Long.compareUnsigned(sz, Chunk.MINSIZE) < 0
                    || (sz & Chunk.MALLOC_ALIGN_MASK) != 0
                    || (holdsTop && Long.compareUnsigned(p + sz, top) > 0)) {
                return false; // fencepost or damage: what follows cannot be walked
            }
            Integer state = listed.get(p);
            v.chunk(p, sz, state == null ? IN_USE : state);
            return true;
        }
    }
}
