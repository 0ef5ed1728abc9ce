package org.mallocsim.allocator.ptmalloc;

import static org.mallocsim.allocator.ptmalloc.Chunk.CHUNK_HDR_SZ;
import static org.mallocsim.allocator.ptmalloc.Chunk.IS_MMAPPED;
import static org.mallocsim.allocator.ptmalloc.Chunk.MALLOC_ALIGN_MASK;
import static org.mallocsim.allocator.ptmalloc.Chunk.MINSIZE;
import static org.mallocsim.allocator.ptmalloc.Chunk.PREV_INUSE;

import org.mallocsim.kernel.Mman;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * Getting memory from the kernel and giving it back (malloc/malloc.c): {@code sysmalloc} with
 * direct mmap, brk growth, foreign sbrk and non-contiguous space, the mmap fallback and the
 * fenceposts; {@code systrim}; {@code munmap_chunk} and {@code mremap_chunk}.
 */
final class SysMalloc {
    private static final long PAGESIZE = MallocContext.PAGESIZE;

    private SysMalloc() {}

    private static boolean ult(long a, long b) {
        return Long.compareUnsigned(a, b) < 0;
    }

    static long alignUp(long v, long a) {
        return (v + a - 1) & -a;
    }

    /** Follows {@code sysmalloc_mmap}: a chunk of its own mapping; -1 (MAP_FAILED) on failure. */
    static long sysmallocMmap(MallocContext c, long nb) {
        long size = alignUp(nb + Chunk.SIZE_SZ, PAGESIZE);
        if (!ult(nb, size)) {
            return -1;
        }
        long mm = c.mmap(size, 0);
        if (mm == -1) {
            return -1;
        }
        AddressSpace as = c.as;
        Chunk.setPrevSize(as, mm, 0);
        Chunk.setHead(as, mm, size | IS_MMAPPED);
        int n = c.mpLoad32(MallocPar.N_MMAPS) + 1;
        c.mpStore32(MallocPar.N_MMAPS, n);
        if (n > c.mpLoad32(MallocPar.MAX_N_MMAPS)) {
            c.mpStore32(MallocPar.MAX_N_MMAPS, n);
        }
        long sum = c.mpLoad(MallocPar.MMAPPED_MEM) + size;
        c.mpStore(MallocPar.MMAPPED_MEM, sum);
        if (ult(c.mpLoad(MallocPar.MAX_MMAPPED_MEM), sum)) {
            c.mpStore(MallocPar.MAX_MMAPPED_MEM, sum);
        }
        return Chunk.chunk2mem(mm);
    }

    /**
     * Follows {@code sysmalloc}: top cannot serve {@code nb}; map it directly above the threshold,
     * else grow the main arena with brk (or a mmapped stand-in) and carve from the new top.
     *
     * @return user memory, or 0 with errno ENOMEM
     */
    static long sysmalloc(MallocContext c, long nb, long av) {
        AddressSpace as = c.as;
        boolean triedMmap = false;
        if (av == 0
                || (!ult(nb, c.mpLoad(MallocPar.MMAP_THRESHOLD))
                        && c.mpLoad32(MallocPar.N_MMAPS) < c.mpLoad32(MallocPar.N_MMAPS_MAX))) {
            long mm = sysmallocMmap(c, nb);
            if (mm != -1) {
                return mm;
            }
            triedMmap = true;
        }
        if (av == 0) {
            return 0;
        }

        long oldTop = c.top(av);
        long oldSize = Chunk.chunksize(as, oldTop);
        long oldEnd = oldTop + oldSize;
        long brk = MallocContext.MORECORE_FAILURE;
        long sndBrk = MallocContext.MORECORE_FAILURE;

        boolean initialTop = oldTop == MallocState.unsortedChunks(av);
        if (!((initialTop && oldSize == 0)
                || (!ult(oldSize, MINSIZE) && Chunk.prevInuse(as, oldTop) && (oldEnd & (PAGESIZE - 1)) == 0))) {
            throw c.assertionFailure(
                    "sysmalloc",
                    "(old_top == initial_top (av) && old_size == 0) || "
                            + "((unsigned long) (old_size) >= MINSIZE && prev_inuse (old_top) && "
                            + "((unsigned long) old_end & (pagesize - 1)) == 0)");
        }
        if (!ult(oldSize, nb + MINSIZE)) {
            throw c.assertionFailure("sysmalloc", "(unsigned long) (old_size) < (unsigned long) (nb + MINSIZE)");
        }

        if (av != c.mainArena) {
            long mm = growNonMainArena(c, nb, av, oldTop, oldSize, triedMmap);
            if (mm != 0) {
                return mm;
            }
            return carveTop(c, nb, av);
        }

        long size = nb + c.mpLoad(MallocPar.TOP_PAD) + MINSIZE;
        if (c.contiguous(av)) {
            size -= oldSize;
        }
        size = alignUp(size, PAGESIZE);
        if (size > 0) {
            brk = c.morecore(size);
        }
        if (brk == MallocContext.MORECORE_FAILURE) {
            long fsize = size;
            if (c.contiguous(av)) {
                fsize = alignUp(fsize + oldSize, PAGESIZE);
            }
            if (ult(fsize, MallocContext.MMAP_AS_MORECORE_SIZE)) {
                fsize = MallocContext.MMAP_AS_MORECORE_SIZE;
            }
            if (ult(nb, fsize)) {
                long mbrk = c.mmap(fsize, 0);
                if (mbrk != -1) {
                    c.setNoncontiguous(av);
                    size = fsize;
                    brk = mbrk;
                    sndBrk = brk + size;
                }
            }
        }

        if (brk != MallocContext.MORECORE_FAILURE) {
            if (c.mpLoad(MallocPar.SBRK_BASE) == 0) {
                c.mpStore(MallocPar.SBRK_BASE, brk);
            }
            c.setSystemMem(av, c.systemMem(av) + size);
            if (brk == oldEnd && sndBrk == MallocContext.MORECORE_FAILURE) {
                Chunk.setHead(as, oldTop, (size + oldSize) | PREV_INUSE);
            } else if (c.contiguous(av) && oldSize != 0 && ult(brk, oldEnd)) {
                throw c.printerr("break adjusted to free malloc space");
            } else {
                adjustForNewSpace(c, av, brk, sndBrk, size, oldTop, oldSize, oldEnd);
            }
        }

        return carveTop(c, nb, av);
    }

    /** The end of sysmalloc: record max_system_mem, then split nb off the (new) top, or ENOMEM. */
    private static long carveTop(MallocContext c, long nb, long av) {
        AddressSpace as = c.as;
        if (ult(as.load64(av + MallocState.MAX_SYSTEM_MEM), c.systemMem(av))) {
            as.store64(av + MallocState.MAX_SYSTEM_MEM, c.systemMem(av));
        }
        long p = c.top(av);
        long psize = Chunk.chunksize(as, p);
        if (!ult(psize, nb + MINSIZE)) {
            long remainder = p + nb;
            c.setTop(av, remainder);
            Chunk.setHead(as, p, nb | PREV_INUSE | c.arenaBit(av));
            Chunk.setHead(as, remainder, (psize - nb) | PREV_INUSE);
            return Chunk.chunk2mem(p);
        }
        c.errno = MallocContext.ENOMEM;
        return 0;
    }

    /**
     * sysmalloc for a thread arena: grow the top heap in place, else start a new heap and fence
     * the old top (freeing what is left of it), else, if not tried yet, mmap the chunk directly.
     *
     * @return user memory of a directly mmapped chunk, or 0 to carve from the arena's top
     */
    private static long growNonMainArena(
            MallocContext c, long nb, long av, long oldTop, long oldSize, boolean triedMmap) {
        AddressSpace as = c.as;
        long oldHeap = HeapInfo.heapForPtr(oldTop);
        long oldHeapSize = as.load64(oldHeap + HeapInfo.SIZE);
        long h;
        if (MINSIZE + nb - oldSize > 0 && Arenas.growHeap(c, oldHeap, MINSIZE + nb - oldSize) == 0) {
            c.setSystemMem(av, c.systemMem(av) + as.load64(oldHeap + HeapInfo.SIZE) - oldHeapSize);
            Chunk.setHead(as, oldTop, (oldHeap + as.load64(oldHeap + HeapInfo.SIZE) - oldTop) | PREV_INUSE);
        } else if ((h = Arenas.newHeap(c, nb + (MINSIZE + HeapInfo.STRUCT_SIZE), c.mpLoad(MallocPar.TOP_PAD))) != 0) {
            as.store64(h + HeapInfo.AR_PTR, av);
            as.store64(h + HeapInfo.PREV, oldHeap);
            long hsize = as.load64(h + HeapInfo.SIZE);
            c.setSystemMem(av, c.systemMem(av) + hsize);
            long top = h + HeapInfo.STRUCT_SIZE;
            c.setTop(av, top);
            Chunk.setHead(as, top, (hsize - HeapInfo.STRUCT_SIZE) | PREV_INUSE);
            oldSize = (oldSize - MINSIZE) & ~MALLOC_ALIGN_MASK;
            Chunk.setHead(as, oldTop + oldSize + CHUNK_HDR_SZ, PREV_INUSE);
            if (!ult(oldSize, MINSIZE)) {
                Chunk.setHead(as, oldTop + oldSize, CHUNK_HDR_SZ | PREV_INUSE);
                Chunk.setFoot(as, oldTop + oldSize, CHUNK_HDR_SZ);
                Chunk.setHead(as, oldTop, oldSize | PREV_INUSE | Chunk.NON_MAIN_ARENA);
                IntFree.intFree(c, av, oldTop, true);
            } else {
                Chunk.setHead(as, oldTop, (oldSize + CHUNK_HDR_SZ) | PREV_INUSE);
                Chunk.setFoot(as, oldTop, oldSize + CHUNK_HDR_SZ);
            }
        } else if (!triedMmap) {
            long mm = sysmallocMmap(c, nb);
            if (mm != -1) {
                return mm;
            }
        }
        return 0;
    }

    /**
     * The "otherwise" branch of sysmalloc's brk path: the first call, a foreign sbrk, or
     * non-contiguous space. Aligns the new top, asks for a correction, and fences the old top.
     */
    private static void adjustForNewSpace(
            MallocContext c, long av, long brk, long sndBrk, long size, long oldTop, long oldSize, long oldEnd) {
        AddressSpace as = c.as;
        long correction = 0;
        long alignedBrk = brk;
        if (c.contiguous(av)) {
            if (oldSize != 0) {
                c.setSystemMem(av, c.systemMem(av) + brk - oldEnd);
            }
            long frontMisalign = Chunk.chunk2mem(brk) & MALLOC_ALIGN_MASK;
            if (frontMisalign > 0) {
                correction = Chunk.MALLOC_ALIGNMENT - frontMisalign;
                alignedBrk += correction;
            }
            correction += oldSize;
            long endMisalign = brk + size + correction;
            correction += alignUp(endMisalign, PAGESIZE) - endMisalign;
            sndBrk = c.morecore(correction);
            if (sndBrk == MallocContext.MORECORE_FAILURE) {
                correction = 0;
                sndBrk = c.morecore(0);
            }
        } else {
            if (sndBrk == MallocContext.MORECORE_FAILURE) {
                sndBrk = c.morecore(0);
            }
        }
        if (sndBrk != MallocContext.MORECORE_FAILURE) {
            c.setTop(av, alignedBrk);
            Chunk.setHead(as, alignedBrk, (sndBrk - alignedBrk + correction) | PREV_INUSE);
            c.setSystemMem(av, c.systemMem(av) + correction);
            if (oldSize != 0) {
                oldSize = (oldSize - 2 * CHUNK_HDR_SZ) & ~MALLOC_ALIGN_MASK;
                Chunk.setHead(as, oldTop, oldSize | PREV_INUSE);
                Chunk.setHead(as, oldTop + oldSize, CHUNK_HDR_SZ | PREV_INUSE);
                Chunk.setHead(as, oldTop + oldSize + CHUNK_HDR_SZ, CHUNK_HDR_SZ | PREV_INUSE);
                if (!ult(oldSize, MINSIZE)) {
                    IntFree.intFree(c, av, oldTop, true);
                }
            }
        }
    }

    /**
     * Follows {@code systrim}: give whole pages above {@code pad} at the top back with a negative
     * sbrk, unless a foreign sbrk moved the break. Returns 1 if memory was released.
     */
    static int systrim(MallocContext c, long pad, long av) {
        AddressSpace as = c.as;
        long top = c.top(av);
        long topSize = Chunk.chunksize(as, top);
        long topArea = topSize - MINSIZE - 1;
        if (Long.compareUnsigned(topArea, pad) <= 0) {
            return 0;
        }
        long extra = (topArea - pad) & -PAGESIZE;
        if (extra == 0) {
            return 0;
        }
        long currentBrk = c.morecore(0);
        if (currentBrk == top + topSize) {
            c.morecore(-extra);
            long newBrk = c.morecore(0);
            if (newBrk != MallocContext.MORECORE_FAILURE) {
                long released = currentBrk - newBrk;
                if (released != 0) {
                    c.setSystemMem(av, c.systemMem(av) - released);
                    Chunk.setHead(as, top, (topSize - released) | PREV_INUSE);
                    return 1;
                }
            }
        }
        return 0;
    }

    private static boolean badMapping(long block, long total, long mem) {
        long off = mem & (PAGESIZE - 1);
        return ((block | total) & (PAGESIZE - 1)) != 0 || (off & (off - 1)) != 0;
    }

    /** Follows {@code munmap_chunk}: unmap a chunk that has its own mapping. */
    static void munmapChunk(MallocContext c, long p) {
        AddressSpace as = c.as;
        long size = Chunk.chunksize(as, p);
        long prev = Chunk.prevSize(as, p);
        long block = p - prev;
        long total = prev + size;
        if (badMapping(block, total, Chunk.chunk2mem(p))) {
            throw c.printerr("munmap_chunk(): invalid pointer");
        }
        c.mpStore32(MallocPar.N_MMAPS, c.mpLoad32(MallocPar.N_MMAPS) - 1);
        c.mpStore(MallocPar.MMAPPED_MEM, c.mpLoad(MallocPar.MMAPPED_MEM) - total);
        as.munmap(block, total);
    }

    /**
     * Follows {@code mremap_chunk}: resize a mmapped chunk with mremap(MREMAP_MAYMOVE); the same
     * chunk when the page count does not change, 0 when mremap fails.
     */
    static long mremapChunk(MallocContext c, long p, long newSize) {
        AddressSpace as = c.as;
        long offset = Chunk.prevSize(as, p);
        long size = Chunk.chunksize(as, p);
        long block = p - offset;
        long total = offset + size;
        if (badMapping(block, total, Chunk.chunk2mem(p))) {
            throw c.printerr("mremap_chunk(): invalid pointer");
        }
        newSize = alignUp(newSize + offset + Chunk.SIZE_SZ, PAGESIZE);
        if (total == newSize) {
            return p;
        }
        long cp = as.mremap(block, total, newSize, Mman.MREMAP_MAYMOVE, 0);
        if (cp < 0 && cp >= -4095) {
            c.errno = (int) -cp;
            return 0;
        }
        p = cp + offset;
        Chunk.setHead(as, p, (newSize - offset) | IS_MMAPPED);
        long now = c.mpLoad(MallocPar.MMAPPED_MEM) + newSize - size - offset;
        c.mpStore(MallocPar.MMAPPED_MEM, now);
        if (ult(c.mpLoad(MallocPar.MAX_MMAPPED_MEM), now)) {
            c.mpStore(MallocPar.MAX_MMAPPED_MEM, now);
        }
        return p;
    }
}
