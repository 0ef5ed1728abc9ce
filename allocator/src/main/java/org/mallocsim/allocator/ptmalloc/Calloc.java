package org.mallocsim.allocator.ptmalloc;

/**
 * {@code __libc_calloc} (malloc/malloc.c): no tcache lookup, and only the part of the chunk that
 * may hold old data is cleared (fresh memory from top beyond the arena's high-water mark is
 * already zero).
 */
final class Calloc {
    private Calloc() {}

    /** Follows {@code __libc_calloc}; the caller checks for a dead process. */
    static long libcCalloc(MallocContext c, long n, long elemSize) {
        long bytes = n * elemSize;
        if ((n != 0 && Long.compareUnsigned(elemSize, Long.divideUnsigned(-1L, n)) > 0) || bytes < 0) {
            c.errno = MallocContext.ENOMEM;
            return 0;
        }
        if (!c.initialized()) {
            Arenas.ptmallocInit(c);
        }
        Tcache.maybeInitTcache(c);
        long av = c.multiThreaded ? Arenas.arenaGet(c, bytes) : c.mainArena;
        long oldtop = 0;
        long oldtopsize = 0;
        if (av != 0) {
            oldtop = c.top(av);
            oldtopsize = Chunk.chunksize(c.as, oldtop);
            if (av == c.mainArena) {
                long hw = c.mpLoad(MallocPar.SBRK_BASE) + c.as.load64(av + MallocState.MAX_SYSTEM_MEM) - oldtop;
                if (Long.compareUnsigned(oldtopsize, hw) < 0) {
                    oldtopsize = hw;
                }
            } else {
                long heap = HeapInfo.heapForPtr(oldtop);
                long hw = heap + c.as.load64(heap + HeapInfo.MPROTECT_SIZE) - oldtop;
                if (Long.compareUnsigned(oldtopsize, hw) < 0) {
                    oldtopsize = hw;
                }
            }
        }
        long mem = IntMalloc.intMalloc(c, av, bytes);
        if (c.multiThreaded && mem == 0 && av != 0) {
            av = Arenas.arenaGetRetry(c, av, bytes);
            mem = IntMalloc.intMalloc(c, av, bytes);
        }
        if (mem == 0) {
            return 0;
        }
        long p = Chunk.mem2chunk(mem);
        long csz = Chunk.chunksize(c.as, p);
        if (Chunk.isMmapped(c.as, p)) {
            if (c.perturbByte() != 0) {
                c.as.fill(mem, 0, bytes);
            }
            return mem;
        }
        if (c.perturbByte() == 0 && p == oldtop && Long.compareUnsigned(csz, oldtopsize) > 0) {
            csz = oldtopsize;
        }
        long clearsize = csz - Chunk.SIZE_SZ;
        long nclears = Long.divideUnsigned(clearsize, 8);
        if (Long.compareUnsigned(nclears, 9) > 0) {
            c.as.fill(mem, 0, clearsize);
        } else {
            long words = 3 + (nclears > 4 ? 2 : 0) + (nclears > 6 ? 2 : 0) + (nclears > 8 ? 2 : 0);
            c.as.fill(mem, 0, words * 8);
        }
        return mem;
    }
}
