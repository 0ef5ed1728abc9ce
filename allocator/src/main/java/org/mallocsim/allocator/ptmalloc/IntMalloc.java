package org.mallocsim.allocator.ptmalloc;

import static org.mallocsim.allocator.ptmalloc.Chunk.MINSIZE;
import static org.mallocsim.allocator.ptmalloc.Chunk.PREV_INUSE;

import org.mallocsim.kernel.mm.AddressSpace;

/**
 * The core allocation path, {@code _int_malloc} (malloc/malloc.c): fastbins with tcache stashing,
 * smallbins with stashing, the unsorted scan (last_remainder, exact fits cached, binning with the
 * largebin skip lists, MAX_ITERS, tcache_unsorted_limit), the best-fit largebin search, the binmap
 * scan, and the top chunk, falling back to {@link SysMalloc#sysmalloc}.
 */
final class IntMalloc {
    private IntMalloc() {}

    static boolean ult(long a, long b) {
        return Long.compareUnsigned(a, b) < 0;
    }

    /** Follows {@code malloc_init_state}: self-circular bins, flags, global_max_fast, initial top. */
    static void mallocInitState(MallocContext c, long av) {
        AddressSpace as = c.as;
        for (int i = 1; i < Chunk.NBINS; i++) {
            long bin = MallocState.binAt(av, i);
            Chunk.setFd(as, bin, bin);
            Chunk.setBk(as, bin, bin);
        }
        if (av != c.mainArena) {
            c.setNoncontiguous(av);
        }
        if (av == c.mainArena) {
            c.setMaxFast(MallocContext.DEFAULT_MXFAST);
        }
        c.setHaveFastchunks(av, false);
        c.setTop(av, MallocState.unsortedChunks(av));
    }

    /** {@code last(bin)}. */
    private static long last(AddressSpace as, long bin) {
        return Chunk.bk(as, bin);
    }

    /**
     * Follows {@code _int_malloc}: serve {@code bytes} from arena {@code av}.
     *
     * @return user memory, or 0 with errno set
     */
    static long intMalloc(MallocContext c, long av, long bytes) {
        long nb = Chunk.checkedRequest2size(bytes);
        if (nb == 0) {
            c.errno = MallocContext.ENOMEM;
            return 0;
        }
        if (av == 0) {
            long p = SysMalloc.sysmalloc(c, nb, 0);
            if (p != 0) {
                c.allocPerturb(p, bytes);
            }
            return p;
        }
        if (!ult(c.globalMaxFast(), nb)) {
            long p = fromFastbin(c, av, bytes, nb);
            if (p != 0) {
                return p;
            }
        }
        int idx;
        if (Chunk.inSmallbinRange(nb)) {
            long p = fromSmallbin(c, av, bytes, nb);
            if (p != 0) {
                return p;
            }
            idx = Chunk.smallbinIndex(nb);
        } else {
            idx = Chunk.largebinIndex(nb);
            if (c.haveFastchunks(av)) {
                IntFree.mallocConsolidate(c, av);
            }
        }
        return fromUnsortedBinsOrTop(c, av, bytes, nb, idx);
    }

    /**
     * The fastbin step of {@code _int_malloc}, with its tcache stashing; 0 if the bin is empty.
     * Each step of _int_malloc is a method of its own so that the JIT inlines the few a path takes.
     */
    private static long fromFastbin(MallocContext c, long av, long bytes, long nb) {
        AddressSpace as = c.as;
        int idx = Chunk.fastbinIndex(nb);
        long fb = MallocState.fastbin(av, idx);
        long victim = as.load64(fb);
        if (victim == 0) {
            return 0;
        }
        if (Chunk.misaligned(victim)) {
            throw c.printerr("malloc(): unaligned fastbin chunk detected 2");
        }
        popFastbin(c, fb, victim);
        if (Chunk.fastbinIndex(Chunk.chunksize(as, victim)) != idx) {
            throw c.printerr("malloc(): memory corruption (fast)");
        }
        long tcache = c.tcache();
        long tcIdx = Chunk.csize2tidx(nb);
        if (tcache != 0 && ult(tcIdx, c.mpLoad(MallocPar.TCACHE_BINS))) {
            long tcVictim;
            while (ult(Tcache.count(c, tcache, tcIdx), c.mpLoad(MallocPar.TCACHE_COUNT))
                    && (tcVictim = as.load64(fb)) != 0) {
                if (Chunk.misaligned(tcVictim)) {
                    throw c.printerr("malloc(): unaligned fastbin chunk detected 3");
                }
                popFastbin(c, fb, tcVictim);
                Tcache.tcachePut(c, tcVictim, tcIdx);
            }
        }
        long p = Chunk.chunk2mem(victim);
        c.allocPerturb(p, bytes);
        return p;
    }

    /** The smallbin step of {@code _int_malloc}, with its tcache stashing; 0 if the bin is empty. */
    private static long fromSmallbin(MallocContext c, long av, long bytes, long nb) {
        AddressSpace as = c.as;
        long bin = MallocState.binAt(av, Chunk.smallbinIndex(nb));
        long victim = last(as, bin);
        if (victim == bin) {
            return 0;
        }
        long bck = Chunk.bk(as, victim);
        if (Chunk.fd(as, bck) != victim) {
            throw c.printerr("malloc(): smallbin double linked list corrupted");
        }
        Chunk.setInuseBitAtOffset(as, victim, nb);
        Chunk.setBk(as, bin, bck);
        Chunk.setFd(as, bck, bin);
        setNonMainArena(c, av, victim);
        long tcache = c.tcache();
        long tcIdx = Chunk.csize2tidx(nb);
        if (tcache != 0 && ult(tcIdx, c.mpLoad(MallocPar.TCACHE_BINS))) {
            long tcVictim;
            while (ult(Tcache.count(c, tcache, tcIdx), c.mpLoad(MallocPar.TCACHE_COUNT))
                    && (tcVictim = last(as, bin)) != bin) {
                if (tcVictim != 0) {
                    bck = Chunk.bk(as, tcVictim);
                    Chunk.setInuseBitAtOffset(as, tcVictim, nb);
                    setNonMainArena(c, av, tcVictim);
                    Chunk.setBk(as, bin, bck);
                    Chunk.setFd(as, bck, bin);
                    Tcache.tcachePut(c, tcVictim, tcIdx);
                }
            }
        }
        long p = Chunk.chunk2mem(victim);
        c.allocPerturb(p, bytes);
        return p;
    }

    /**
     * The rest of {@code _int_malloc}: the unsorted scan, the best fit in the request's largebin,
     * the binmap scan and top, falling back to sysmalloc; {@code idx} is the request's bin.
     */
    private static long fromUnsortedBinsOrTop(MallocContext c, long av, long bytes, long nb, int idx) {
        AddressSpace as = c.as;
        long tcache = c.tcache();
        long tcacheBins = c.mpLoad(MallocPar.TCACHE_BINS);
        long tcacheNb = 0;
        long tcIdx = Chunk.csize2tidx(nb);
        if (tcache != 0 && ult(tcIdx, tcacheBins)) {
            tcacheNb = nb;
        }
        boolean returnCached = false;
        long tcacheUnsortedCount = 0;
        long unsorted = MallocState.unsortedChunks(av);

        for (; ; ) {
            int iters = 0;
            long victim;
            while ((victim = Chunk.bk(as, unsorted)) != unsorted) {
                long bck = Chunk.bk(as, victim);
                long size = Chunk.chunksize(as, victim);
                long next = victim + size;
                long systemMem = c.systemMem(av);
                if (!ult(Chunk.CHUNK_HDR_SZ, size) || ult(systemMem, size)) {
                    throw c.printerr("malloc(): invalid size (unsorted)");
                }
                long nextRaw = Chunk.sizeNomask(as, next);
                if (ult(nextRaw, Chunk.CHUNK_HDR_SZ) || ult(systemMem, nextRaw)) {
                    throw c.printerr("malloc(): invalid next size (unsorted)");
                }
                if ((Chunk.prevSize(as, next) & ~Chunk.SIZE_BITS) != size) {
                    throw c.printerr("malloc(): mismatching next->prev_size (unsorted)");
                }
                long bckFd = Chunk.fd(as, bck);
                if (bckFd != victim || Chunk.fd(as, victim) != unsorted) {
                    throw c.printerr("malloc(): unsorted double linked list corrupted");
                }
                if ((nextRaw & PREV_INUSE) != 0) {
                    throw c.printerr("malloc(): invalid next->prev_inuse (unsorted)");
                }

                if (Chunk.inSmallbinRange(nb)
                        && bck == unsorted
                        && victim == c.lastRemainder(av)
                        && ult(nb + MINSIZE, size)) {
                    long remainderSize = size - nb;
                    long remainder = victim + nb;
                    Chunk.setBk(as, unsorted, remainder);
                    Chunk.setFd(as, unsorted, remainder);
                    c.setLastRemainder(av, remainder);
                    Chunk.setBk(as, remainder, unsorted);
                    Chunk.setFd(as, remainder, unsorted);
                    if (!Chunk.inSmallbinRange(remainderSize)) {
                        Chunk.setFdNextsize(as, remainder, 0);
                        Chunk.setBkNextsize(as, remainder, 0);
                    }
                    Chunk.setHead(as, victim, nb | PREV_INUSE | c.arenaBit(av));
                    Chunk.setHead(as, remainder, remainderSize | PREV_INUSE);
                    Chunk.setFoot(as, remainder, remainderSize);
                    long p = Chunk.chunk2mem(victim);
                    c.allocPerturb(p, bytes);
                    return p;
                }

                // glibc checks bck->fd once more here ("malloc(): corrupted unsorted chunks 3"), but
                // nothing was stored since the check above: the word it reads is bckFd
                Chunk.setBk(as, unsorted, bck);
                Chunk.setFd(as, bck, unsorted);

                if (size == nb) {
                    if (bck + Chunk.FD == next + Chunk.SIZE || unsorted + Chunk.BK == next + Chunk.SIZE) {
                        nextRaw = Chunk.sizeNomask(as, next); // only a damaged list stores there
                    }
                    as.store64(next + Chunk.SIZE, nextRaw | PREV_INUSE);
                    setNonMainArena(c, av, victim);
                    if (tcacheNb != 0 && ult(Tcache.count(c, tcache, tcIdx), c.mpLoad(MallocPar.TCACHE_COUNT))) {
                        Tcache.tcachePut(c, victim, tcIdx);
                        returnCached = true;
                        continue;
                    }
                    long p = Chunk.chunk2mem(victim);
                    c.allocPerturb(p, bytes);
                    return p;
                }

                placeInBin(c, av, victim, size);

                ++tcacheUnsortedCount;
                long limit = c.mpLoad(MallocPar.TCACHE_UNSORTED_LIMIT);
                if (returnCached && limit != 0 && ult(limit, tcacheUnsortedCount)) {
                    return Tcache.tcacheGet(c, tcIdx);
                }
                if (++iters >= MallocContext.MAX_ITERS) {
                    break;
                }
            }

            if (returnCached) {
                return Tcache.tcacheGet(c, tcIdx);
            }

            if (!Chunk.inSmallbinRange(nb)) {
                long p = largeBestFit(c, av, idx, nb);
                if (p != 0) {
                    c.allocPerturb(p, bytes);
                    return p;
                }
            }

            long p = binmapScan(c, av, idx + 1, nb);
            if (p != 0) {
                c.allocPerturb(p, bytes);
                return p;
            }

            // use_top
            victim = c.top(av);
            long size = Chunk.chunksize(as, victim);
            if (ult(c.systemMem(av), size)) {
                throw c.printerr("malloc(): corrupted top size");
            }
            if (!ult(size, nb + MINSIZE)) {
                long remainder = victim + nb;
                c.setTop(av, remainder);
                Chunk.setHead(as, victim, nb | PREV_INUSE | c.arenaBit(av));
                Chunk.setHead(as, remainder, (size - nb) | PREV_INUSE);
                p = Chunk.chunk2mem(victim);
                c.allocPerturb(p, bytes);
                return p;
            } else if (c.haveFastchunks(av)) {
                IntFree.mallocConsolidate(c, av);
                idx = Chunk.binIndex(nb);
            } else {
                p = SysMalloc.sysmalloc(c, nb, av);
                if (p != 0) {
                    c.allocPerturb(p, bytes);
                }
                return p;
            }
        }
    }

    /**
     * Takes {@code victim} off the head of fastbin {@code fb}: a plain store when single-threaded,
     * glibc's REMOVE_FB compare-and-swap otherwise, which first checks the new head's alignment.
     */
    private static void popFastbin(MallocContext c, long fb, long victim) {
        long next = Chunk.revealPtr(victim + Chunk.FD, Chunk.fd(c.as, victim));
        if (c.multiThreaded && next != 0 && Chunk.misaligned(next)) {
            throw c.printerr("malloc(): unaligned fastbin chunk detected");
        }
        c.as.store64(fb, next);
    }

    private static void setNonMainArena(MallocContext c, long av, long p) {
        if (av != c.mainArena) {
            c.as.store64(p + Chunk.SIZE, c.as.load64(p + Chunk.SIZE) | Chunk.NON_MAIN_ARENA);
        }
    }

    /**
     * The binning step of the unsorted scan: a small chunk goes to the front of its smallbin, a
     * large one into its largebin kept sorted by decreasing size with a skip list of sizes.
     */
    private static void placeInBin(MallocContext c, long av, long victim, long size) {
        AddressSpace as = c.as;
        int victimIndex;
        long bck;
        long fwd;
        if (Chunk.inSmallbinRange(size)) {
            victimIndex = Chunk.smallbinIndex(size);
            bck = MallocState.binAt(av, victimIndex);
            fwd = Chunk.fd(as, bck);
        } else {
            victimIndex = Chunk.largebinIndex(size);
            bck = MallocState.binAt(av, victimIndex);
            fwd = Chunk.fd(as, bck);
            if (fwd != bck) {
                size |= PREV_INUSE;
                if (ult(size, Chunk.sizeNomask(as, Chunk.bk(as, bck)))) {
                    fwd = bck;
                    bck = Chunk.bk(as, bck);
                    long first = Chunk.fd(as, fwd);
                    Chunk.setFdNextsize(as, victim, first);
                    Chunk.setBkNextsize(as, victim, Chunk.bkNextsize(as, first));
                    Chunk.setFdNextsize(as, Chunk.bkNextsize(as, victim), victim);
                    Chunk.setBkNextsize(as, first, victim);
                } else {
                    while (ult(size, Chunk.sizeNomask(as, fwd))) {
                        fwd = Chunk.fdNextsize(as, fwd);
                    }
                    if (size == Chunk.sizeNomask(as, fwd)) {
                        fwd = Chunk.fd(as, fwd);
                    } else {
                        Chunk.setFdNextsize(as, victim, fwd);
                        Chunk.setBkNextsize(as, victim, Chunk.bkNextsize(as, fwd));
                        if (Chunk.fdNextsize(as, Chunk.bkNextsize(as, fwd)) != fwd) {
                            throw c.printerr("malloc(): largebin double linked list corrupted (nextsize)");
                        }
                        Chunk.setBkNextsize(as, fwd, victim);
                        Chunk.setFdNextsize(as, Chunk.bkNextsize(as, victim), victim);
                    }
                    bck = Chunk.bk(as, fwd);
                    if (Chunk.fd(as, bck) != fwd) {
                        throw c.printerr("malloc(): largebin double linked list corrupted (bk)");
                    }
                }
            } else {
                Chunk.setFdNextsize(as, victim, victim);
                Chunk.setBkNextsize(as, victim, victim);
            }
        }
        c.markBin(av, victimIndex);
        Chunk.setBk(as, victim, bck);
        Chunk.setFd(as, victim, fwd);
        Chunk.setBk(as, fwd, victim);
        Chunk.setFd(as, bck, victim);
    }

    /** Step 5 of _int_malloc: the smallest chunk of bin {@code idx} that fits, via the skip list. */
    private static long largeBestFit(MallocContext c, long av, int idx, long nb) {
        AddressSpace as = c.as;
        long bin = MallocState.binAt(av, idx);
        long victim = Chunk.fd(as, bin);
        if (victim == bin || ult(Chunk.sizeNomask(as, victim), nb)) {
            return 0;
        }
        victim = Chunk.bkNextsize(as, victim);
        long raw;
        while (ult((raw = Chunk.sizeNomask(as, victim)) & ~Chunk.SIZE_BITS, nb)) {
            victim = Chunk.bkNextsize(as, victim);
        }
        long size = raw & ~Chunk.SIZE_BITS;
        if (victim != last(as, bin)) {
            long fd = Chunk.fd(as, victim);
            long fdRaw = Chunk.sizeNomask(as, fd);
            if (raw == fdRaw) {
                victim = fd;
                raw = fdRaw;
            }
        }
        IntFree.unlinkChunk(c, av, victim, raw);
        splitOrExhaust(c, av, victim, size, nb, "malloc(): corrupted unsorted chunks", false);
        return Chunk.chunk2mem(victim);
    }

    /** Step 6 of _int_malloc: the first non-empty bin above {@code idx} by the binmap. */
    private static long binmapScan(MallocContext c, long av, int idx, long nb) {
        AddressSpace as = c.as;
        long bin = MallocState.binAt(av, idx);
        int block = MallocState.idx2block(idx);
        int map = as.load32(MallocState.binmapWord(av, block));
        int bit = MallocState.idx2bit(idx);
        for (; ; ) {
            if (Integer.compareUnsigned(bit, map) > 0 || bit == 0) {
                do {
                    if (++block >= MallocState.BINMAPSIZE) {
                        return 0;
                    }
                } while ((map = as.load32(MallocState.binmapWord(av, block))) == 0);
                bin = MallocState.binAt(av, block << MallocState.BINMAPSHIFT);
                bit = 1;
            }
            while ((bit & map) == 0) {
                bin += 16;
                bit <<= 1;
            }
            long victim = last(as, bin);
            if (victim == bin) {
                map &= ~bit;
                as.store32(MallocState.binmapWord(av, block), map);
                bin += 16;
                bit <<= 1;
            } else {
                long raw = Chunk.sizeNomask(as, victim);
                long size = raw & ~Chunk.SIZE_BITS;
                IntFree.unlinkChunk(c, av, victim, raw);
                splitOrExhaust(c, av, victim, size, nb, "malloc(): corrupted unsorted chunks 2", true);
                return Chunk.chunk2mem(victim);
            }
        }
    }

    /**
     * The tail of steps 5 and 6: use the whole chunk if the rest is under MINSIZE, else split and
     * put the remainder at the front of unsorted (and, from the binmap scan of a small request,
     * make it the last remainder).
     */
    private static void splitOrExhaust(
            MallocContext c, long av, long victim, long size, long nb, String msg, boolean advertise) {
        AddressSpace as = c.as;
        long remainderSize = size - nb;
        if (ult(remainderSize, MINSIZE)) {
            Chunk.setInuseBitAtOffset(as, victim, size);
            setNonMainArena(c, av, victim);
            return;
        }
        long remainder = victim + nb;
        long bck = MallocState.unsortedChunks(av);
        long fwd = Chunk.fd(as, bck);
        if (Chunk.bk(as, fwd) != bck) {
            throw c.printerr(msg);
        }
        Chunk.setBk(as, remainder, bck);
        Chunk.setFd(as, remainder, fwd);
        Chunk.setFd(as, bck, remainder);
        Chunk.setBk(as, fwd, remainder);
        if (advertise && Chunk.inSmallbinRange(nb)) {
            c.setLastRemainder(av, remainder);
        }
        if (!Chunk.inSmallbinRange(remainderSize)) {
            Chunk.setFdNextsize(as, remainder, 0);
            Chunk.setBkNextsize(as, remainder, 0);
        }
        Chunk.setHead(as, victim, nb | PREV_INUSE | c.arenaBit(av));
        Chunk.setHead(as, remainder, remainderSize | PREV_INUSE);
        Chunk.setFoot(as, remainder, remainderSize);
    }
}
