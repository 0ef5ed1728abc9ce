package org.mallocsim.allocator.ptmalloc;

import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.VmaView;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The invariants of glibc's {@code do_check_malloc_state} (malloc/malloc.c, MALLOC_DEBUG) and a
 * few of this emulation's own, checked by walking the main arena's heap and every list:
 * <ul>
 *  <li>the heap walks chunk by chunk from sbrk_base to top; sizes are aligned and at least MINSIZE
 *      (fenceposts excepted); no two free chunks touch; a free chunk's foot equals its size;</li>
 *  <li>every free chunk of the walk is in exactly one bin and every binned chunk is free, in the
 *      bin its size selects (any size in unsorted), with fd/bk consistent; largebins are sorted
 *      and their nextsize skip lists consistent; an empty binmap bit means an empty bin;</li>
 *  <li>fastbin and tcache chunks look in use, have the size of their bin, are listed once;
 *      tcache counts equal list lengths and every entry carries tcache_key;</li>
 *  <li>every chunk lies inside a readable and writable VMA.</li>
 * </ul>
 * Not a hot path: it uses maps and may allocate.
 */
final class HeapChecker {
    private HeapChecker() {}

    private static IllegalStateException fail(String what, long p) {
        return new IllegalStateException("heap check: " + what + " at 0x" + Long.toHexString(p));
    }

    static void check(MallocContext c) {
        if (!c.initialized() || c.aborted != null) {
            return;
        }
        AddressSpace as = c.as;
        long av = c.mainArena;
        List<VmaView> vmas = as.vmas();
        Map<Long, String> listed = new HashMap<>();
        long top = c.top(av);
        long topSize = Chunk.chunksize(as, top);

        // fastbins
        long maxFast = c.globalMaxFast();
        for (int i = 0; i < Chunk.NFASTBINS; i++) {
            long n = 0;
            for (long p = as.load64(MallocState.fastbin(av, i)); p != 0;
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
        // tcache
        long tcache = c.tcache();
        if (tcache != 0) {
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
                    throw fail("tcache bin " + i + " count " + Tcache.count(c, tcache, i) + " but " + n + " entries",
                            tcache);
                }
            }
        }
        // bins
        for (int i = 1; i < Chunk.NBINS; i++) {
            long bin = MallocState.binAt(av, i);
            boolean bit = (as.load32(MallocState.binmapWord(av, MallocState.idx2block(i)))
                    & MallocState.idx2bit(i)) != 0;
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
                    checkNextsize(as, p, sz, bin);
                }
                prevSize = sz;
                list(listed, p, "bin " + i);
                inVma(vmas, p, sz);
            }
        }
        inVma(vmas, top, topSize);
        if (!Chunk.prevInuse(as, top) && topSize != 0) {
            throw fail("top without PREV_INUSE", top);
        }
        walkHeap(c, listed, top);
    }

    private static void checkNextsize(AddressSpace as, long p, long sz, long bin) {
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
                if (Long.compareUnsigned(p + size, v.end()) > 0 && !"rw-p".equals(v.perms())) {
                    throw fail("chunk crosses the end of " + v.perms() + " VMA", p);
                }
                if (!v.perms().startsWith("rw")) {
                    throw fail("chunk in a " + v.perms() + " VMA", p);
                }
                return;
            }
        }
        throw fail("chunk outside every VMA", p);
    }

    /** The contiguous walk from sbrk_base to top (main arena, brk heap only). */
    private static void walkHeap(MallocContext c, Map<Long, String> listed, long top) {
        AddressSpace as = c.as;
        long base = c.mpLoad(MallocPar.SBRK_BASE);
        if (base == 0 || !c.contiguous(c.mainArena)) {
            return;
        }
        long p = (base + Chunk.CHUNK_HDR_SZ + Chunk.MALLOC_ALIGN_MASK & ~Chunk.MALLOC_ALIGN_MASK) - Chunk.CHUNK_HDR_SZ;
        boolean prevFree = false;
        int freeSeen = 0;
        while (p != top) {
            long sz = Chunk.chunksize(as, p);
            if (sz == Chunk.CHUNK_HDR_SZ) {
                return; // a fencepost left by a foreign sbrk: the walk cannot go on
            }
            if (Long.compareUnsigned(sz, Chunk.MINSIZE) < 0 || (sz & Chunk.MALLOC_ALIGN_MASK) != 0
                    || Long.compareUnsigned(p + sz, top) > 0) {
                throw fail("bad chunk size 0x" + Long.toHexString(sz) + " in heap walk", p);
            }
            boolean free = !Chunk.inuseBitAtOffset(as, p, sz);
            if (Chunk.prevInuse(as, p) == prevFree) {
                throw fail("PREV_INUSE disagrees with the previous chunk", p);
            }
            if (free) {
                if (prevFree) {
                    throw fail("two free chunks touch", p);
                }
                String where = listed.get(p);
                if (where == null || !where.startsWith("bin")) {
                    throw fail("free chunk in no bin", p);
                }
                freeSeen++;
            } else if (listed.containsKey(p) && listed.get(p).startsWith("bin")) {
                throw fail("in-use chunk in a bin", p);
            }
            prevFree = free;
            p += sz;
        }
        if (prevFree) {
            throw fail("free chunk next to top", p);
        }
        long binned = listed.values().stream().filter(s -> s.startsWith("bin")).count();
        if (binned != freeSeen) {
            throw fail(binned + " binned chunks but " + freeSeen + " free chunks in the heap", top);
        }
    }
}
