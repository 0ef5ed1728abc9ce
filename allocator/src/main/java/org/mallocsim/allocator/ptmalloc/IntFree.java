package org.mallocsim.allocator.ptmalloc;

import static org.mallocsim.allocator.ptmalloc.Chunk.PREV_INUSE;

import org.mallocsim.kernel.mm.AddressSpace;

/**
 * Freeing (malloc/malloc.c): {@code _int_free} with its checks, the fastbins, coalescing into
 * unsorted or top and the trim that may follow; {@code unlink_chunk}; and
 * {@code malloc_consolidate}, which tears down the fastbins.
 */
final class IntFree {
    private IntFree() {}

    private static boolean ult(long a, long b) {
        return Long.compareUnsigned(a, b) < 0;
    }

    /** Follows {@code _int_free}: release chunk {@code p} of arena {@code av}. */
    static void intFree(MallocContext c, long av, long p, boolean haveLock) {
        intFree(c, av, p, Chunk.chunksize(c.as, p), haveLock);
    }

    /**
     * {@code _int_free} for a caller that has just read {@code chunksize(p)}, {@code size}. The
     * rest after the tcache is {@link #intFreeChunk}, a method of its own as in glibc 2.39's split
     * of _int_free, so that the tcache path is small enough for the JIT to inline whole.
     */
    static void intFree(MallocContext c, long av, long p, long size, boolean haveLock) {
        if (Long.compareUnsigned(p, -size) > 0 || Chunk.misaligned(p)) {
            throw c.printerr("free(): invalid pointer");
        }
        if (ult(size, Chunk.MINSIZE) || (size & Chunk.MALLOC_ALIGN_MASK) != 0) {
            throw c.printerr("free(): invalid size");
        }
        if (Tcache.tryFreeToTcache(c, p, size)) {
            return;
        }
        intFreeChunk(c, av, p, size, haveLock);
    }

    /**
     * The part of {@code _int_free} after the tcache: a fastbin, or the mmapped chunk's munmap, or
     * {@link #intFreeMergeChunk} (glibc 2.39's {@code _int_free_chunk}).
     */
    private static void intFreeChunk(MallocContext c, long av, long p, long size, boolean haveLock) {
        AddressSpace as = c.as;
        if (!ult(c.globalMaxFast(), size)) {
            long next = p + size;
            if (!ult(Chunk.CHUNK_HDR_SZ, Chunk.sizeNomask(as, next))
                    || !ult(Chunk.chunksize(as, next), c.systemMem(av))) {
                throw c.printerr("free(): invalid next size (fast)");
            }
            c.freePerturb(Chunk.chunk2mem(p), size - Chunk.CHUNK_HDR_SZ);
            c.setHaveFastchunks(av, true);
            int idx = Chunk.fastbinIndex(size);
            long fb = MallocState.fastbin(av, idx);
            long old = as.load64(fb);
            if (old == p) {
                throw c.printerr("double free or corruption (fasttop)");
            }
            Chunk.setFd(as, p, Chunk.protectPtr(p + Chunk.FD, old));
            as.store64(fb, p);
            if (haveLock && old != 0 && Chunk.fastbinIndex(Chunk.chunksize(as, old)) != idx) {
                throw c.printerr("invalid fastbin entry (free)");
            }
            return;
        }

        if (Chunk.isMmapped(as, p)) {
            SysMalloc.munmapChunk(c, p);
            return;
        }
        intFreeMergeChunk(c, av, p, size);
    }

    /**
     * The checks and coalescing of {@code _int_free} for a chunk bound for the unsorted bin or top,
     * then the consolidation and trim a large result triggers (glibc 2.39's
     * {@code _int_free_merge_chunk}, {@code _int_free_create_chunk} and
     * {@code _int_free_maybe_consolidate}).
     */
    private static void intFreeMergeChunk(MallocContext c, long av, long p, long size) {
        AddressSpace as = c.as;
        long next = p + size;
        long top = c.top(av);
        if (p == top) {
            throw c.printerr("double free or corruption (top)");
        }
        if (c.contiguous(av) && !ult(next, top + Chunk.chunksize(as, top))) {
            throw c.printerr("double free or corruption (out)");
        }
        if (!Chunk.prevInuse(as, next)) {
            throw c.printerr("double free or corruption (!prev)");
        }
        long nextsize = Chunk.chunksize(as, next);
        if (!ult(Chunk.CHUNK_HDR_SZ, Chunk.sizeNomask(as, next)) || !ult(nextsize, c.systemMem(av))) {
            throw c.printerr("free(): invalid next size (normal)");
        }
        c.freePerturb(Chunk.chunk2mem(p), size - Chunk.CHUNK_HDR_SZ);

        if (!Chunk.prevInuse(as, p)) {
            long prevsize = Chunk.prevSize(as, p);
            size += prevsize;
            p -= prevsize;
            if (Chunk.chunksize(as, p) != prevsize) {
                throw c.printerr("corrupted size vs. prev_size while consolidating");
            }
            unlinkChunk(c, av, p);
        }
        if (next != top) {
            if (!Chunk.inuseBitAtOffset(as, next, nextsize)) {
                unlinkChunk(c, av, next);
                size += nextsize;
            } else {
                Chunk.clearInuseBitAtOffset(as, next, 0);
            }
            long bck = MallocState.unsortedChunks(av);
            long fwd = Chunk.fd(as, bck);
            if (Chunk.bk(as, fwd) != bck) {
                throw c.printerr("free(): corrupted unsorted chunks");
            }
            Chunk.setFd(as, p, fwd);
            Chunk.setBk(as, p, bck);
            if (!Chunk.inSmallbinRange(size)) {
                Chunk.setFdNextsize(as, p, 0);
                Chunk.setBkNextsize(as, p, 0);
            }
            Chunk.setFd(as, bck, p);
            Chunk.setBk(as, fwd, p);
            Chunk.setHead(as, p, size | PREV_INUSE);
            Chunk.setFoot(as, p, size);
        } else {
            size += nextsize;
            Chunk.setHead(as, p, size | PREV_INUSE);
            c.setTop(av, p);
        }
        if (!ult(size, MallocContext.FASTBIN_CONSOLIDATION_THRESHOLD)) {
            maybeConsolidate(c, av);
        }
    }

    /** The tail of {@code _int_free} after a merge reached FASTBIN_CONSOLIDATION_THRESHOLD. */
    private static void maybeConsolidate(MallocContext c, long av) {
        if (c.haveFastchunks(av)) {
            mallocConsolidate(c, av);
        }
        if (av == c.mainArena) {
            if (!ult(Chunk.chunksize(c.as, c.top(av)), c.mpLoad(MallocPar.TRIM_THRESHOLD))) {
                SysMalloc.systrim(c, c.mpLoad(MallocPar.TOP_PAD), av);
            }
        } else {
            Arenas.heapTrim(c, HeapInfo.heapForPtr(c.top(av)), c.mpLoad(MallocPar.TOP_PAD));
        }
    }

    /** Follows {@code unlink_chunk}: take free chunk {@code p} out of its bin and skip list. */
    static void unlinkChunk(MallocContext c, long av, long p) {
        AddressSpace as = c.as;
        long size = Chunk.chunksize(as, p);
        if (size != Chunk.prevSize(as, p + size)) {
            throw c.printerr("corrupted size vs. prev_size");
        }
        long fd = Chunk.fd(as, p);
        long bk = Chunk.bk(as, p);
        if (Chunk.bk(as, fd) != p || Chunk.fd(as, bk) != p) {
            throw c.printerr("corrupted double-linked list");
        }
        Chunk.setBk(as, fd, bk);
        Chunk.setFd(as, bk, fd);
        if (!Chunk.inSmallbinRange(Chunk.sizeNomask(as, p)) && Chunk.fdNextsize(as, p) != 0) {
            long pFdNs = Chunk.fdNextsize(as, p);
            long pBkNs = Chunk.bkNextsize(as, p);
            if (Chunk.bkNextsize(as, pFdNs) != p || Chunk.fdNextsize(as, pBkNs) != p) {
                throw c.printerr("corrupted double-linked list (not small)");
            }
            if (Chunk.fdNextsize(as, fd) == 0) {
                if (pFdNs == p) {
                    Chunk.setFdNextsize(as, fd, fd);
                    Chunk.setBkNextsize(as, fd, fd);
                } else {
                    Chunk.setFdNextsize(as, fd, pFdNs);
                    Chunk.setBkNextsize(as, fd, pBkNs);
                    Chunk.setBkNextsize(as, pFdNs, fd);
                    Chunk.setFdNextsize(as, pBkNs, fd);
                }
            } else {
                Chunk.setBkNextsize(as, pFdNs, pBkNs);
                Chunk.setFdNextsize(as, pBkNs, pFdNs);
            }
        }
    }

    /**
     * Follows {@code malloc_consolidate}: empty every fastbin in index order, coalescing each chunk
     * with its free neighbours into the front of unsorted or into top.
     */
    static void mallocConsolidate(MallocContext c, long av) {
        AddressSpace as = c.as;
        c.setHaveFastchunks(av, false);
        long unsortedBin = MallocState.unsortedChunks(av);
        for (int i = 0; i < Chunk.NFASTBINS; i++) {
            long fb = MallocState.fastbin(av, i);
            long p = as.load64(fb);
            as.store64(fb, 0);
            while (p != 0) {
                if (Chunk.misaligned(p)) {
                    throw c.printerr("malloc_consolidate(): unaligned fastbin chunk detected");
                }
                if (Chunk.fastbinIndex(Chunk.chunksize(as, p)) != i) {
                    throw c.printerr("malloc_consolidate(): invalid chunk size");
                }
                long nextp = Chunk.revealPtr(p + Chunk.FD, Chunk.fd(as, p));
                long size = Chunk.chunksize(as, p);
                long next = p + size;
                long nextsize = Chunk.chunksize(as, next);
                if (!Chunk.prevInuse(as, p)) {
                    long prevsize = Chunk.prevSize(as, p);
                    size += prevsize;
                    p -= prevsize;
                    if (Chunk.chunksize(as, p) != prevsize) {
                        throw c.printerr("corrupted size vs. prev_size in fastbins");
                    }
                    unlinkChunk(c, av, p);
                }
                if (next != c.top(av)) {
                    if (!Chunk.inuseBitAtOffset(as, next, nextsize)) {
                        size += nextsize;
                        unlinkChunk(c, av, next);
                    } else {
                        Chunk.clearInuseBitAtOffset(as, next, 0);
                    }
                    long firstUnsorted = Chunk.fd(as, unsortedBin);
                    Chunk.setFd(as, unsortedBin, p);
                    Chunk.setBk(as, firstUnsorted, p);
                    if (!Chunk.inSmallbinRange(size)) {
                        Chunk.setFdNextsize(as, p, 0);
                        Chunk.setBkNextsize(as, p, 0);
                    }
                    Chunk.setHead(as, p, size | PREV_INUSE);
                    Chunk.setBk(as, p, unsortedBin);
                    Chunk.setFd(as, p, firstUnsorted);
                    Chunk.setFoot(as, p, size);
                } else {
                    size += nextsize;
                    Chunk.setHead(as, p, size | PREV_INUSE);
                    c.setTop(av, p);
                }
                p = nextp;
            }
        }
    }
}
