package org.mallocsim.allocator.ptmalloc;

import java.util.HashMap;
import java.util.Map;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * A text picture of the heap: for each arena, every chunk from the heap start to top with its
 * offset, size, flag bits and where it is (in use, tcache, fastbin, unsorted, small or large bin,
 * top, fencepost), as glibc's {@code dump_heap} (arena.c, MALLOC_DEBUG &gt; 1) walks it. Offsets
 * are from the initial break for the main arena and from the heap for thread arenas, so that two
 * runs of one program compare line for line. Not a hot path.
 */
final class HeapDump {
    private HeapDump() {}

    static String render(MallocContext c, long[] otherTcaches) {
        if (!c.initialized()) {
            return "(malloc not initialized)\n";
        }
        AddressSpace as = c.as;
        Map<Long, String> where = new HashMap<>();
        tcache(c, c.tcache(), where);
        for (long t : otherTcaches) {
            tcache(c, t, where);
        }
        StringBuilder sb = new StringBuilder();
        long av = c.mainArena;
        int n = 0;
        do {
            bins(c, av, where);
            sb.append("arena ")
                    .append(n++)
                    .append(av == c.mainArena ? " (main)" : "")
                    .append('\n');
            if (av == c.mainArena) {
                long base = c.mpLoad(MallocPar.SBRK_BASE);
                if (base != 0 && c.contiguous(av)) {
                    long p = ((base + Chunk.CHUNK_HDR_SZ + Chunk.MALLOC_ALIGN_MASK) & ~Chunk.MALLOC_ALIGN_MASK)
                            - Chunk.CHUNK_HDR_SZ;
                    walk(c, av, p, base, where, sb);
                }
            } else {
                long top = c.top(av);
                long h = HeapInfo.heapForPtr(top);
                for (; h != 0; h = as.load64(h + HeapInfo.PREV)) {
                    long start = h + HeapInfo.STRUCT_SIZE + (av == h + HeapInfo.STRUCT_SIZE ? MallocState.SIZE : 0);
                    long p = ((start + Chunk.CHUNK_HDR_SZ + Chunk.MALLOC_ALIGN_MASK) & ~Chunk.MALLOC_ALIGN_MASK)
                            - Chunk.CHUNK_HDR_SZ;
                    sb.append(" heap +0x")
                            .append(Long.toHexString(h & (MallocContext.HEAP_MAX_SIZE - 1)))
                            .append('\n');
                    walk(c, av, p, h, where, sb);
                }
            }
            av = as.load64(av + MallocState.NEXT);
        } while (av != c.mainArena);
        return sb.toString();
    }

    static void tcache(MallocContext c, long tcache, Map<Long, String> where) {
        if (tcache == 0) {
            return;
        }
        for (long i = 0; i < Chunk.TCACHE_MAX_BINS; i++) {
            for (long e = c.as.load64(TcachePerthread.entryAddr(tcache, i));
                    e != 0;
                    e = Chunk.revealPtr(e, c.as.load64(e))) {
                where.put(Chunk.mem2chunk(e), "tcache " + i);
            }
        }
    }

    static void bins(MallocContext c, long av, Map<Long, String> where) {
        AddressSpace as = c.as;
        for (int i = 0; i < Chunk.NFASTBINS; i++) {
            for (long p = as.load64(MallocState.fastbin(av, i));
                    p != 0;
                    p = Chunk.revealPtr(p + Chunk.FD, Chunk.fd(as, p))) {
                where.put(p, "fastbin " + i);
            }
        }
        for (int i = 1; i < Chunk.NBINS; i++) {
            long bin = MallocState.binAt(av, i);
            for (long p = Chunk.fd(as, bin); p != bin; p = Chunk.fd(as, p)) {
                where.put(p, i == 1 ? "unsorted" : (i < Chunk.NSMALLBINS ? "smallbin " : "largebin ") + i);
            }
        }
    }

    private static void walk(MallocContext c, long av, long p, long origin, Map<Long, String> where, StringBuilder sb) {
        AddressSpace as = c.as;
        long top = c.top(av);
        for (; ; ) {
            long raw = Chunk.sizeNomask(as, p);
            long size = raw & ~Chunk.SIZE_BITS;
            sb.append(line(p, origin, raw, state(p, size, top, where))).append(System.lineSeparator());
            if (p == top || size <= Chunk.CHUNK_HDR_SZ) {
                return;
            }
            p += size;
        }
    }

    /** Where a chunk is: top, a fencepost, the bin or tcache {@code where} names, or in use. */
    static String state(long p, long size, long top, Map<Long, String> where) {
        if (p == top) {
            return "top";
        }
        if (size <= Chunk.CHUNK_HDR_SZ) {
            return "fencepost";
        }
        String w = where.get(p);
        return w != null ? w : "in use";
    }

    /** One chunk's line: offset from {@code origin}, size, flag bits (A M P) and state. */
    static String line(long p, long origin, long raw, String state) {
        return String.format(
                "  +0x%06x  0x%06x %s%s%s  %s",
                p - origin,
                raw & ~Chunk.SIZE_BITS,
                (raw & Chunk.NON_MAIN_ARENA) != 0 ? "A" : "-",
                (raw & Chunk.IS_MMAPPED) != 0 ? "M" : "-",
                (raw & Chunk.PREV_INUSE) != 0 ? "P" : "-",
                state);
    }
}
