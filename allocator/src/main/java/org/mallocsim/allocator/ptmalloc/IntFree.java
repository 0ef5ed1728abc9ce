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
        intFree(c, av, p, Chunk.sizeNomask(c.as, p), haveLock);
    }

    /**
     * {@code _int_free} for a caller that has just read p's size word, {@code raw} (flag bits
     * included). The rest after the tcache is {@link #intFreeChunk}, a method of its own as in
     * glibc 2.39's split of _int_free, so that the tcache path is small enough for the JIT to
     * inline whole.
     *
     * <p>Here and on the paths below, a word that was loaded and has not been stored to since is
     * not loaded again: glibc reads p->size for chunksize, chunk_is_mmapped and prev_inuse, and a
     * compiled _int_free reads it once. The reuse is exact whatever the heap holds, since each is
     * made only where no emulated store in between can have reached the word; only the count of
     * emulated accesses tells the difference.
     */
    static void intFree(MallocContext c, long av, long p, long raw, boolean haveLock) {
        long size = raw & ~Chunk.SIZE_BITS;
        if (Long.compareUnsigned(p, -size) > 0 || Chunk.misaligned(p)) {
            throw c.printerr("free(): invalid pointer");
        }
        if (ult(size, Chunk.MINSIZE) || (size & Chunk.MALLOC_ALIGN_MASK) != 0) {
            throw c.printerr("free(): invalid size");
        }
        if (Tcache.tryFreeToTcache(c, p, size)) {
            return;
        }
        intFreeChunk(c, av, p, raw, haveLock);
    }

    /**
     * The part of {@code _int_free} after the tcache (which stored nothing if it did not take the
     * chunk, so {@code raw} is still p's size word): a fastbin, or the mmapped chunk's munmap, or
     * {@link #intFreeMergeChunk} (glibc 2.39's {@code _int_free_chunk}).
     */
    private static void intFreeChunk(MallocContext c, long av, long p, long raw, boolean haveLock) {
        AddressSpace as = c.as;
        long size = raw & ~Chunk.SIZE_BITS;
        if (!ult(c.globalMaxFast(), size)) {
            long nextRaw = Chunk.sizeNomask(as, p + size);
            if (!ult(Chunk.CHUNK_HDR_SZ, nextRaw) || !ult(nextRaw & ~Chunk.SIZE_BITS, c.systemMem(av))) {
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
        if ((raw & Chunk.IS_MMAPPED) != 0) {
            SysMalloc.munmapChunk(c, p);
            return;
        }
        intFreeMergeChunk(c, av, p, raw);
    }

    /**
     * The checks and coalescing of {@code _int_free} for a chunk bound for the unsorted bin or top,
     * then the consolidation and trim a large result triggers (glibc 2.39's
     * {@code _int_free_merge_chunk}, {@code _int_free_create_chunk} and
     * {@code _int_free_maybe_consolidate}).
     */
    private static void intFreeMergeChunk(MallocContext c, long av, long p, long raw) {
        AddressSpace as = c.as;
        long size = raw & ~Chunk.SIZE_BITS;
        long next = p + size;
        long top = c.top(av);
        if (p == top) {
            throw c.printerr("double free or corruption (top)");
        }
        if (c.contiguous(av) && !ult(next, top + Chunk.chunksize(as, top))) {
            throw c.printerr("double free or corruption (out)");
        }
        long nextRaw = Chunk.sizeNomask(as, next);
        if ((nextRaw & PREV_INUSE) == 0) {
            throw c.printerr("double free or corruption (!prev)");
        }
        long nextsize = nextRaw & ~Chunk.SIZE_BITS;
        if (!ult(Chunk.CHUNK_HDR_SZ, nextRaw) || !ult(nextsize, c.systemMem(av))) {
            throw c.printerr("free(): invalid next size (normal)");
        }
        // the perturb fill covers [p + 16, next): neither size word
        c.freePerturb(Chunk.chunk2mem(p), size - Chunk.CHUNK_HDR_SZ);

        boolean merged = (raw & PREV_INUSE) == 0;
        if (merged) {
            long prevsize = Chunk.prevSize(as, p);
            size += prevsize;
            p -= prevsize;
            long prevRaw = Chunk.sizeNomask(as, p);
            if ((prevRaw & ~Chunk.SIZE_BITS) != prevsize) {
                throw c.printerr("corrupted size vs. prev_size while consolidating");
            }
            unlinkChunk(c, av, p, prevRaw, prevsize);
        }
        if (next != top) {
            long nextNextRaw = Chunk.sizeNomask(as, next + nextsize);
            // after an unlink of the chunk before, read next's size again: the unlink's stores go
            // to other chunks' links, and reach next's size only in a damaged list
            long nextWord = merged ? Chunk.sizeNomask(as, next) : nextRaw;
            if ((nextNextRaw & PREV_INUSE) == 0) {
                unlinkChunk(c, av, next, nextWord);
                size += nextsize;
            } else {
                as.store64(next + Chunk.SIZE, nextWord & ~PREV_INUSE);
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
        unlinkChunk(c, av, p, Chunk.sizeNomask(c.as, p));
    }

    /** {@code unlink_chunk} for a caller that has just read p's size word, {@code raw}. */
    static void unlinkChunk(MallocContext c, long av, long p, long raw) {
        unlinkChunk(c, av, p, raw, Chunk.prevSize(c.as, p + (raw & ~Chunk.SIZE_BITS)));
    }

    /**
     * {@code unlink_chunk} for a caller that has also just read the prev_size of the chunk after
     * p, {@code nextPrevSize}: a merge with the chunk before, which read it as the freed chunk's.
     */
    private static void unlinkChunk(MallocContext c, long av, long p, long raw, long nextPrevSize) {
        AddressSpace as = c.as;
        long size = raw & ~Chunk.SIZE_BITS;
        if (size != nextPrevSize) {
            throw c.printerr("corrupted size vs. prev_size");
        }
        long fd = Chunk.fd(as, p);
        long bk = Chunk.bk(as, p);
        if (Chunk.bk(as, fd) != p || Chunk.fd(as, bk) != p) {
            throw c.printerr("corrupted double-linked list");
        }
        Chunk.setBk(as, fd, bk);
        Chunk.setFd(as, bk, fd);
        if (fd + Chunk.BK == p + Chunk.SIZE || bk + Chunk.FD == p + Chunk.SIZE) {
            raw = Chunk.sizeNomask(as, p); // a damaged list made the stores reach p's size
        }
        long pFdNs;
        if (!Chunk.inSmallbinRange(raw) && (pFdNs = Chunk.fdNextsize(as, p)) != 0) {
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
                long raw = Chunk.sizeNomask(as, p);
                if (Chunk.fastbinIndex(raw & ~Chunk.SIZE_BITS) != i) {
                    throw c.printerr("malloc_consolidate(): invalid chunk size");
                }
                long nextp = Chunk.revealPtr(p + Chunk.FD, Chunk.fd(as, p));
                long size = raw & ~Chunk.SIZE_BITS;
                long next = p + size;
                long nextRaw = Chunk.sizeNomask(as, next);
                long nextsize = nextRaw & ~Chunk.SIZE_BITS;
                boolean merged = (raw & PREV_INUSE) == 0;
                if (merged) {
                    long prevsize = Chunk.prevSize(as, p);
                    size += prevsize;
                    p -= prevsize;
                    long prevRaw = Chunk.sizeNomask(as, p);
                    if ((prevRaw & ~Chunk.SIZE_BITS) != prevsize) {
                        throw c.printerr("corrupted size vs. prev_size in fastbins");
                    }
                    unlinkChunk(c, av, p, prevRaw, prevsize);
                }
                if (next != c.top(av)) {
                    boolean nextInUse = Chunk.inuseBitAtOffset(as, next, nextsize);
                    long nextWord = merged ? Chunk.sizeNomask(as, next) : nextRaw; // as in _int_free
                    if (!nextInUse) {
                        size += nextsize;
                        unlinkChunk(c, av, next, nextWord);
                    } else {
                        as.store64(next + Chunk.SIZE, nextWord & ~PREV_INUSE);
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
