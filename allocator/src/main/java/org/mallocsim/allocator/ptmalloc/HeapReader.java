package org.mallocsim.allocator.ptmalloc;

import org.mallocsim.kernel.mm.AddressSpace;

/**
 * The one read-only reader of ptmalloc's heaps that the heap views share ({@link HeapDump},
 * {@link HeapNeighbourhood}, {@link HeapWalk}, {@link BinsView}): a chunk walk of each arena's heaps
 * and a walk of each free list, the two walks glibc's {@code do_check_malloc_state} and
 * {@code dump_heap} (malloc/malloc.c, malloc/arena.c) make. Only loads are made, through the
 * emulated MMU, so the allocator's state is unchanged. What to make of each chunk or entry, and
 * where to stop in a damaged heap, is the caller's; the walks themselves stop at a list's end, at a
 * misaligned tcache or fastbin entry (it is visited, never followed) and after as many entries as
 * no sound list can hold. Not a hot path.
 */
final class HeapReader {
    /** More entries than a tcache bin's 16-bit count can hold: the list loops. */
    private static final int TCACHE_LIMIT = 1 << 16;
    /** More entries than any sound fastbin or bin of these heaps holds: the list loops. */
    private static final int LIST_LIMIT = 10_000_000;

    private HeapReader() {}

    /** Receives one heap's chunks, in address order. */
    interface Chunks {
        /**
         * A heap starts.
         *
         * @param start the main heap's {@code sbrk_base}, or a thread heap's {@code heap_info}
         * @param first its first chunk
         * @return false to skip this heap
         */
        boolean heap(long start, long first);

        /**
         * Chunk {@code p} with its size word (flag bits included); the walk goes on to the next
         * chunk unless this is the arena's top chunk or a size of 0.
         *
         * @return false to stop walking this heap
         */
        boolean chunk(long p, long raw);
    }

    /** Receives the entries of one free list, head first. */
    interface Entries {
        /** One entry (a user pointer in a tcache bin, a chunk elsewhere); false stops the list. */
        boolean entry(long p);
    }

    /** Receives every chunk some free list holds. */
    interface Listed {
        /**
         * Chunk {@code p} is in bin {@code bin} of a list of kind {@code state} ({@link HeapWalk#TCACHE},
         * {@link HeapWalk#FASTBIN}, {@link HeapWalk#UNSORTED}, {@link HeapWalk#SMALL}, {@link HeapWalk#LARGE}).
         */
        void listed(long p, int state, long bin);
    }

    /** The first chunk of a heap whose usable space starts at {@code start}: its header aligned. */
    static long firstChunk(long start) {
        return ((start + Chunk.CHUNK_HDR_SZ + Chunk.MALLOC_ALIGN_MASK) & ~Chunk.MALLOC_ALIGN_MASK) - Chunk.CHUNK_HDR_SZ;
    }

    /** The arena after {@code av} in the circular list that starts at main_arena. */
    static long nextArena(AddressSpace as, long av) {
        return as.load64(av + MallocState.NEXT);
    }

    /**
     * Walks arena {@code av}'s heaps chunk by chunk: the main arena's one heap from
     * {@code sbrk_base} (none before the first sbrk), each thread heap, newest first, from after
     * its {@code heap_info} (and the arena's {@code malloc_state} in its first heap).
     */
    static void chunks(MallocContext c, long av, Chunks v) {
        AddressSpace as = c.as;
        long top = c.top(av);
        if (av == c.mainArena) {
            long base = c.mpLoad(MallocPar.SBRK_BASE);
            if (base != 0 && v.heap(base, firstChunk(base))) {
                walk(as, firstChunk(base), top, v);
            }
            return;
        }
        for (long h = HeapInfo.heapForPtr(top); h != 0; h = as.load64(h + HeapInfo.PREV)) {
            long start = h + HeapInfo.STRUCT_SIZE + (av == h + HeapInfo.STRUCT_SIZE ? MallocState.SIZE : 0);
            if (v.heap(h, firstChunk(start))) {
                walk(as, firstChunk(start), top, v);
            }
        }
    }

    private static void walk(AddressSpace as, long p, long top, Chunks v) {
        for (; ; ) {
            long raw = Chunk.sizeNomask(as, p);
            long size = raw & ~Chunk.SIZE_BITS;
            if (!v.chunk(p, raw) || p == top || size == 0) {
                return;
            }
            p += size;
        }
    }

    /**
     * Tcache bin {@code bin} of {@code tcache}, user pointers, safe-linked links revealed.
     *
     * @return the entry {@code v} declined, or 0 when the list ended (at NULL or a misaligned entry)
     */
    static long tcacheBin(AddressSpace as, long tcache, long bin, Entries v) {
        return safeLinked(as, as.load64(TcachePerthread.entryAddr(tcache, bin)), 0, TCACHE_LIMIT, v);
    }

    /**
     * Fastbin {@code i} of arena {@code av}, chunks, safe-linked links revealed.
     *
     * @return the chunk {@code v} declined, or 0 when the list ended (at NULL or a misaligned chunk)
     */
    static long fastbin(AddressSpace as, long av, int i, Entries v) {
        return safeLinked(as, as.load64(MallocState.fastbin(av, i)), Chunk.FD, LIST_LIMIT, v);
    }

    /**
     * A singly linked list under safe-linking ({@code PROTECT_PTR}, glibc 2.32+): each entry's link
     * is {@code linkOffset} bytes into it and is revealed against its own address. A misaligned
     * entry is visited but not followed, since its link cannot be read as glibc stores one.
     */
    private static long safeLinked(AddressSpace as, long first, long linkOffset, int limit, Entries v) {
        long e = first;
        for (int n = 0; e != 0 && n < limit; n++) {
            if (!v.entry(e)) {
                return e;
            }
            if (Chunk.misaligned(e)) {
                return 0;
            }
            e = Chunk.revealPtr(e + linkOffset, as.load64(e + linkOffset));
        }
        return e;
    }

    /**
     * Bin {@code i} (1 unsorted, then small and large bins) of arena {@code av}, by fd.
     *
     * @return the chunk {@code v} declined, or 0 when the list came back to its bin (or to NULL)
     */
    static long bin(AddressSpace as, long av, int i, Entries v) {
        long bin = MallocState.binAt(av, i);
        long p = Chunk.fd(as, bin);
        for (int n = 0; p != bin && p != 0 && n < LIST_LIMIT; n++) {
            if (!v.entry(p)) {
                return p;
            }
            p = Chunk.fd(as, p);
        }
        return p == bin ? 0 : p;
    }

    /**
     * Every chunk a free list holds: each of {@code tcaches}' bins (0s skipped), then each arena's
     * fastbins and bins. Misaligned tcache and fastbin entries, which are no chunk, are left out.
     */
    static void listed(MallocContext c, long[] tcaches, Listed v) {
        AddressSpace as = c.as;
        for (long tcache : tcaches) {
            for (long i = 0; tcache != 0 && i < Chunk.TCACHE_MAX_BINS; i++) {
                long bin = i;
                tcacheBin(as, tcache, i, e -> {
                    if (!Chunk.misaligned(e)) {
                        v.listed(Chunk.mem2chunk(e), HeapWalk.TCACHE, bin);
                    }
                    return true;
                });
            }
        }
        long av = c.mainArena;
        do {
            for (int i = 0; i < Chunk.NFASTBINS; i++) {
                int bin = i;
                fastbin(as, av, i, p -> {
                    if (!Chunk.misaligned(p)) {
                        v.listed(p, HeapWalk.FASTBIN, bin);
                    }
                    return true;
                });
            }
            for (int i = 1; i < Chunk.NBINS; i++) {
                int bin = i;
                int state = i == 1 ? HeapWalk.UNSORTED : i < Chunk.NSMALLBINS ? HeapWalk.SMALL : HeapWalk.LARGE;
                bin(as, av, i, p -> {
                    v.listed(p, state, bin);
                    return true;
                });
            }
            av = nextArena(as, av);
        } while (av != c.mainArena);
    }
}
