package org.mallocsim.allocator.ptmalloc;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.VmaView;

/**
 * The invariants of glibc's {@code do_check_malloc_state} (malloc/malloc.c, MALLOC_DEBUG) and a
 * few of this emulation's own, checked by walking every arena's heaps and every list:
 * <ul>
 *  <li>each heap walks chunk by chunk to top (main arena: from sbrk_base; thread arenas: every
 *      64 MiB heap from its header to top or its fencepost); sizes are aligned and at least
 *      MINSIZE (fenceposts excepted); no two free chunks touch; a free chunk's foot equals its
 *      size; in-use thread-arena chunks carry NON_MAIN_ARENA;</li>
 *  <li>every free chunk of a walk is in exactly one bin of its arena and every binned chunk is
 *      free, in the bin its size selects (any size in unsorted), with fd/bk consistent; largebins
 *      are sorted and their nextsize skip lists consistent; an empty binmap bit means an empty bin;</li>
 *  <li>fastbin and tcache chunks look in use, have the size of their bin, are listed once; tcache
 *      counts equal list lengths and every entry carries tcache_key (every thread's tcache);</li>
 *  <li>every chunk lies inside a readable and writable VMA.</li>
 * </ul>
 * Not a hot path: it uses maps and may allocate.
 */
final class HeapChecker {
    private HeapChecker() {}

    private static IllegalStateException fail(String what, long p) {
        return new IllegalStateException("heap check: " + what + " at 0x" + Long.toHexString(p));
    }

    /** Checks the whole process; {@code otherTcaches} are the tcaches of threads not running now. */
    static void check(MallocContext c, long[] otherTcaches, int nOther) {
        if (!c.initialized() || c.aborted != null) {
            return;
        }
        AddressSpace as = c.as;
        List<VmaView> vmas = as.vmas();
        Map<Long, String> listed = new HashMap<>();
        checkTcache(c, c.tcache(), listed, vmas);
        for (int i = 0; i < nOther; i++) {
            checkTcache(c, otherTcaches[i], listed, vmas);
        }
        long av = c.mainArena;
        do {
            int binned = checkArena(c, av, listed, vmas);
            int free = av == c.mainArena ? walkMainHeap(c, listed) : walkThreadHeaps(c, av, listed);
            if (free >= 0 && free != binned) {
                throw fail(binned + " binned chunks but " + free + " free chunks in the heaps of arena", av);
            }
            av = as.load64(av + MallocState.NEXT);
        } while (av != c.mainArena);
    }

    private static void checkTcache(MallocContext c, long tcache, Map<Long, String> listed, List<VmaView> vmas) {
        if (tcache == 0) {
            return;
        }
        AddressSpace as = c.as;
        for (long i = 0; i < Chunk.TCACHE_MAX_BINS; i++) {
            long n = 0;
            long e = as.load64(TcachePerthread.entryAddr(tcache, i));
            while (e != 0) {
                if (Chunk.misaligned(e)) {
                    throw fail("misaligned tcache entry", e);
                }
                long p = Chunk.mem2chunk(e);
                long sz = Chunk.chunksize(as, p);
                if (Chunk.csize2tidx(sz) != i) {
                    throw fail("tcache bin " + i + " holds size 0x" + Long.toHexString(sz), p);
                }
                if (as.load64(e + TcachePerthread.ENTRY_KEY) != c.tcacheKey()) {
                    throw fail("tcache entry without tcache_key", p);
                }
                if (!Chunk.isMmapped(as, p) && !Chunk.inuse(as, p)) {
                    throw fail("tcache chunk not marked in use", p);
                }
                list(listed, p, "tcache " + i);
                inVma(vmas, p, sz);
                n++;
                e = Chunk.revealPtr(e, as.load64(e));
            }
            if (n != Tcache.count(c, tcache, i)) {
                throw fail(
                        "tcache bin " + i + " count " + Tcache.count(c, tcache, i) + " but " + n + " entries", tcache);
            }
        }
    }

    /** Fastbins, bins, binmap and top of one arena; returns how many chunks its bins hold. */
    private static int checkArena(MallocContext c, long av, Map<Long, String> listed, List<VmaView> vmas) {
        AddressSpace as = c.as;
        long maxFast = c.globalMaxFast();
        for (int i = 0; i < Chunk.NFASTBINS; i++) {
            long n = 0;
            for (long p = as.load64(MallocState.fastbin(av, i));
                    p != 0;
                    p = Chunk.revealPtr(p + Chunk.FD, Chunk.fd(as, p))) {
                if (Chunk.misaligned(p)) {
                    throw fail("misaligned fastbin chunk", p);
                }
                long sz = Chunk.chunksize(as, p);
                if (Chunk.fastbinIndex(sz) != i || Long.compareUnsigned(sz, maxFast) > 0) {
                    throw fail("fastbin " + i + " holds size 0x" + Long.toHexString(sz), p);
                }
                if (!Chunk.inuse(as, p)) {
                    throw fail("fastbin chunk not marked in use", p);
                }
                list(listed, p, "fastbin " + i);
                inVma(vmas, p, sz);
                if (++n > 10_000_000) {
                    throw fail("fastbin cycle", p);
                }
            }
        }
        int binned = 0;
        for (int i = 1; i < Chunk.NBINS; i++) {
            long bin = MallocState.binAt(av, i);
            boolean bit =
                    (as.load32(MallocState.binmapWord(av, MallocState.idx2block(i))) & MallocState.idx2bit(i)) != 0;
            if (i > 1 && !bit && (Chunk.fd(as, bin) != bin || Chunk.bk(as, bin) != bin)) {
                throw fail("bin " + i + " non-empty with its binmap bit clear", bin);
            }
            long prevSize = -1;
            for (long p = Chunk.fd(as, bin); p != bin; p = Chunk.fd(as, p)) {
                if (Chunk.bk(as, Chunk.fd(as, p)) != p) {
                    throw fail("bin " + i + " fd->bk != p", p);
                }
                long sz = Chunk.chunksize(as, p);
                if (i > 1 && Chunk.binIndex(sz) != i) {
                    throw fail("bin " + i + " holds size 0x" + Long.toHexString(sz), p);
                }
                if (Chunk.inuse(as, p)) {
                    throw fail("binned chunk marked in use", p);
                }
                if (Chunk.prevSize(as, p + sz) != sz) {
                    throw fail("free chunk foot != size", p);
                }
                if (i >= Chunk.NSMALLBINS && prevSize >= 0 && Long.compareUnsigned(sz, prevSize) > 0) {
                    throw fail("largebin " + i + " not sorted", p);
                }
                if (i >= Chunk.NSMALLBINS) {
                    checkNextsize(as, p, sz);
                }
                prevSize = sz;
                list(listed, p, "bin " + i);
                inVma(vmas, p, sz);
                binned++;
            }
        }
        long top = c.top(av);
        long topSize = Chunk.chunksize(as, top);
        if (topSize != 0) {
            inVma(vmas, top, topSize);
            if (!Chunk.prevInuse(as, top)) {
                throw fail("top without PREV_INUSE", top);
            }
        }
        return binned;
    }

    private static void checkNextsize(AddressSpace as, long p, long sz) {
        long fdn = Chunk.fdNextsize(as, p);
        if (fdn == 0) {
            return;
        }
        if (Chunk.bkNextsize(as, fdn) != p || Chunk.fdNextsize(as, Chunk.bkNextsize(as, p)) != p) {
            throw fail("nextsize links broken", p);
        }
        if (fdn != p && Chunk.chunksize(as, fdn) == sz) {
            throw fail("nextsize list repeats a size", p);
        }
    }

    private static void list(Map<Long, String> listed, long p, String where) {
        String before = listed.put(p, where);
        if (before != null) {
            throw fail("chunk listed twice (" + before + ", " + where + ")", p);
        }
    }

    private static void inVma(List<VmaView> vmas, long p, long size) {
        int lo = 0;
        int hi = vmas.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            VmaView v = vmas.get(mid);
            if (Long.compareUnsigned(p, v.start()) < 0) {
                hi = mid - 1;
            } else if (Long.compareUnsigned(p, v.end()) >= 0) {
                lo = mid + 1;
            } else {
                if (!v.perms().startsWith("rw")) {
                    throw fail("chunk in a " + v.perms() + " VMA", p);
                }
                if (Long.compareUnsigned(p + size, v.end()) > 0) {
                    inVma(vmas, v.end(), p + size - v.end());
                }
                return;
            }
        }
        throw fail("chunk outside every VMA", p);
    }

    /** The contiguous walk from sbrk_base to top; -1 when a fencepost or mmapped space stops it. */
    private static int walkMainHeap(MallocContext c, Map<Long, String> listed) {
        long base = c.mpLoad(MallocPar.SBRK_BASE);
        if (base == 0 || !c.contiguous(c.mainArena)) {
            return -1;
        }
        long p =
                ((base + Chunk.CHUNK_HDR_SZ + Chunk.MALLOC_ALIGN_MASK) & ~Chunk.MALLOC_ALIGN_MASK) - Chunk.CHUNK_HDR_SZ;
        return walk(c, p, c.top(c.mainArena), listed, false);
    }

    /** Every heap of a thread arena, newest first; returns the free chunks seen. */
    private static int walkThreadHeaps(MallocContext c, long av, Map<Long, String> listed) {
        AddressSpace as = c.as;
        long top = c.top(av);
        int free = 0;
        for (long h = HeapInfo.heapForPtr(top); h != 0; h = as.load64(h + HeapInfo.PREV)) {
            if (as.load64(h + HeapInfo.AR_PTR) != av) {
                throw fail("heap_info names another arena", h);
            }
            long start = h + HeapInfo.STRUCT_SIZE;
            if (av == start) {
                start += MallocState.SIZE;
            }
            long p = ((start + Chunk.CHUNK_HDR_SZ + Chunk.MALLOC_ALIGN_MASK) & ~Chunk.MALLOC_ALIGN_MASK)
                    - Chunk.CHUNK_HDR_SZ;
            long end = HeapInfo.heapForPtr(top) == h ? top : -1;
            int f = walk(c, p, end, listed, true);
            if (f < 0) {
                return -1;
            }
            free += f;
        }
        return free;
    }

    /**
     * Walks chunks from {@code p} to {@code top} (or, when top is -1, to the 0|PREV_INUSE header that
     * ends an old heap). Returns the free chunks seen, or -1 at a main-heap fencepost.
     */
    private static int walk(MallocContext c, long p, long top, Map<Long, String> listed, boolean nonMain) {
        AddressSpace as = c.as;
        boolean prevFree = false;
        int freeSeen = 0;
        while (p != top) {
            long raw = Chunk.sizeNomask(as, p);
            long sz = raw & ~Chunk.SIZE_BITS;
            if (top == -1 && raw == Chunk.PREV_INUSE) {
                return freeSeen;
            }
            if (sz == Chunk.CHUNK_HDR_SZ) {
                if (!nonMain) {
                    return -1; // a fencepost left by a foreign sbrk: the walk cannot go on
                }
                prevFree = false;
                p += sz;
                continue;
            }
            if (Long.compareUnsigned(sz, Chunk.MINSIZE) < 0
                    || (sz & Chunk.MALLOC_ALIGN_MASK) != 0
                    || (top != -1 && Long.compareUnsigned(p + sz, top) > 0)) {
                throw fail("bad chunk size 0x" + Long.toHexString(sz) + " in heap walk", p);
            }
            boolean free = !Chunk.inuseBitAtOffset(as, p, sz);
            // free chunks never carry the bit; an old top too small to free ends its heap without it
            if (nonMain
                    && !free
                    && (raw & Chunk.NON_MAIN_ARENA) == 0
                    && Chunk.sizeNomask(as, p + sz) != Chunk.PREV_INUSE) {
                throw fail("in-use thread-arena chunk without NON_MAIN_ARENA", p);
            }
            if (Chunk.prevInuse(as, p) == prevFree) {
                throw fail("PREV_INUSE disagrees with the previous chunk", p);
            }
            String where = listed.get(p);
            if (free) {
                if (prevFree) {
                    throw fail("two free chunks touch", p);
                }
                if (where == null || !where.startsWith("bin")) {
                    throw fail("free chunk in no bin", p);
                }
                freeSeen++;
            } else if (where != null && where.startsWith("bin")) {
                throw fail("in-use chunk in a bin", p);
            }
            prevFree = free;
            p += sz;
        }
        if (prevFree) {
            throw fail("free chunk next to top", p);
        }
        return freeSeen;
    }
}
