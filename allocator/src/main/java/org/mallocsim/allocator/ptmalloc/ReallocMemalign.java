package org.mallocsim.allocator.ptmalloc;

import static org.mallocsim.allocator.ptmalloc.Chunk.IS_MMAPPED;
import static org.mallocsim.allocator.ptmalloc.Chunk.MINSIZE;
import static org.mallocsim.allocator.ptmalloc.Chunk.PREV_INUSE;

import org.mallocsim.kernel.mm.AddressSpace;

/**
 * Resizing and aligned allocation inside an arena (malloc/malloc.c): {@code _int_realloc} (keep,
 * grow into top or a free successor, or move; then split the tail off through _int_free) and
 * {@code _int_memalign} (over-allocate, free the leader and the trailer).
 */
final class ReallocMemalign {
    private ReallocMemalign() {}

    private static boolean ult(long a, long b) {
        return Long.compareUnsigned(a, b) < 0;
    }

    /** Follows {@code _int_realloc}: resize in-heap chunk {@code oldp} to chunk size {@code nb}. */
    static long intRealloc(MallocContext c, long av, long oldp, long oldsize, long nb) {
        AddressSpace as = c.as;
        if (!ult(Chunk.CHUNK_HDR_SZ, Chunk.sizeNomask(as, oldp)) || !ult(oldsize, c.systemMem(av))) {
            throw c.printerr("realloc(): invalid old size");
        }
        long next = oldp + oldsize;
        long nextsize = Chunk.chunksize(as, next);
        if (!ult(Chunk.CHUNK_HDR_SZ, Chunk.sizeNomask(as, next)) || !ult(nextsize, c.systemMem(av))) {
            throw c.printerr("realloc(): invalid next size");
        }
        long newp;
        long newsize;
        if (!ult(oldsize, nb)) {
            newp = oldp;
            newsize = oldsize;
        } else {
            long top = c.top(av);
            if (next == top && !ult(newsize = oldsize + nextsize, nb + MINSIZE)) {
                Chunk.setHeadSize(as, oldp, nb | c.arenaBit(av));
                c.setTop(av, oldp + nb);
                Chunk.setHead(as, oldp + nb, (newsize - nb) | PREV_INUSE);
                return Chunk.chunk2mem(oldp);
            } else if (next != top && !Chunk.inuse(as, next) && !ult(newsize = oldsize + nextsize, nb)) {
                newp = oldp;
                IntFree.unlinkChunk(c, av, next);
            } else {
                long newmem = IntMalloc.intMalloc(c, av, nb - Chunk.MALLOC_ALIGN_MASK);
                if (newmem == 0) {
                    return 0;
                }
                newp = Chunk.mem2chunk(newmem);
                newsize = Chunk.chunksize(as, newp);
                if (newp == next) {
                    newsize += oldsize;
                    newp = oldp;
                } else {
                    as.copy(newmem, Chunk.chunk2mem(oldp), oldsize - Chunk.SIZE_SZ);
                    IntFree.intFree(c, av, oldp, true);
                    return newmem;
                }
            }
        }
        long remainderSize = newsize - nb;
        if (ult(remainderSize, MINSIZE)) {
            Chunk.setHeadSize(as, newp, newsize | c.arenaBit(av));
            Chunk.setInuseBitAtOffset(as, newp, newsize);
        } else {
            long remainder = newp + nb;
            Chunk.setHeadSize(as, newp, nb | c.arenaBit(av));
            Chunk.setHead(as, remainder, remainderSize | PREV_INUSE | c.arenaBit(av));
            Chunk.setInuseBitAtOffset(as, remainder, remainderSize);
            IntFree.intFree(c, av, remainder, true);
        }
        return Chunk.chunk2mem(newp);
    }

    /** Follows {@code _int_memalign}: {@code bytes} at a multiple of {@code alignment} (a power of two). */
    static long intMemalign(MallocContext c, long av, long alignment, long bytes) {
        AddressSpace as = c.as;
        long nb = Chunk.checkedRequest2size(bytes);
        if (nb == 0 || alignment < 0) {
            c.errno = MallocContext.ENOMEM;
            return 0;
        }
        long m = IntMalloc.intMalloc(c, av, nb + alignment + MINSIZE);
        if (m == 0) {
            return 0;
        }
        long p = Chunk.mem2chunk(m);
        if (Long.remainderUnsigned(m, alignment) != 0) {
            long brk = Chunk.mem2chunk((m + alignment - 1) & -alignment);
            if (ult(brk - p, MINSIZE)) {
                brk += alignment;
            }
            long newp = brk;
            long leadsize = brk - p;
            long newsize = Chunk.chunksize(as, p) - leadsize;
            if (Chunk.isMmapped(as, p)) {
                Chunk.setPrevSize(as, newp, Chunk.prevSize(as, p) + leadsize);
                Chunk.setHead(as, newp, newsize | IS_MMAPPED);
                return Chunk.chunk2mem(newp);
            }
            Chunk.setHead(as, newp, newsize | PREV_INUSE | c.arenaBit(av));
            Chunk.setInuseBitAtOffset(as, newp, newsize);
            Chunk.setHeadSize(as, p, leadsize | c.arenaBit(av));
            IntFree.intFree(c, av, p, true);
            p = newp;
        }
        if (!Chunk.isMmapped(as, p)) {
            long size = Chunk.chunksize(as, p);
            if (ult(nb + MINSIZE, size)) {
                long remainderSize = size - nb;
                long remainder = p + nb;
                Chunk.setHead(as, remainder, remainderSize | PREV_INUSE | c.arenaBit(av));
                Chunk.setHeadSize(as, p, nb);
                IntFree.intFree(c, av, remainder, true);
            }
        }
        return Chunk.chunk2mem(p);
    }
}
