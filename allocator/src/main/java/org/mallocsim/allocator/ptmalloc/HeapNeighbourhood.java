package org.mallocsim.allocator.ptmalloc;

import java.util.HashMap;
import java.util.Map;
import org.mallocsim.kernel.SegmentationFault;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * The heap around one pointer: the few chunks before and after the chunk that holds it, drawn as
 * {@link HeapDump} draws them, and the bins of its arena with the calling thread's tcache, as
 * counts. It walks the same lists as glibc's {@code dump_heap} (arena.c) and reads memory only,
 * so the allocator's behaviour is unchanged. Not a hot path: it answers "what did the heap look
 * like where the two runs parted".
 */
final class HeapNeighbourhood {
    private HeapNeighbourhood() {}

    static String render(MallocContext c, long[] otherTcaches, long mem, int radius) {
        if (!c.initialized()) {
            return "(malloc not initialized)\n";
        }
        AddressSpace as = c.as;
        Map<Long, String> where = new HashMap<>();
        HeapDump.tcache(c, c.tcache(), where);
        for (long t : otherTcaches) {
            HeapDump.tcache(c, t, where);
        }
        long av = c.mainArena;
        do {
            HeapDump.bins(c, av, where);
            av = as.load64(av + MallocState.NEXT);
        } while (av != c.mainArena);

        StringBuilder sb = new StringBuilder();
        long target = mem == 0 ? 0 : Chunk.mem2chunk(mem);
        long found = 0;
        int n = 0;
        do {
            if (target != 0 && found == 0) {
                if (av == c.mainArena) {
                    long base = c.mpLoad(MallocPar.SBRK_BASE);
                    if (base != 0
                            && c.contiguous(av)
                            && window(c, av, firstChunk(base), base, target, radius, where, sb, "arena 0 (main)")) {
                        found = av;
                    }
                } else {
                    for (long h = HeapInfo.heapForPtr(c.top(av));
                            h != 0 && found == 0;
                            h = as.load64(h + HeapInfo.PREV)) {
                        long start = h + HeapInfo.STRUCT_SIZE + (av == h + HeapInfo.STRUCT_SIZE ? MallocState.SIZE : 0);
                        String title =
                                "arena " + n + " heap +0x" + Long.toHexString(h & (MallocContext.HEAP_MAX_SIZE - 1));
                        if (window(c, av, firstChunk(start), h, target, radius, where, sb, title)) {
                            found = av;
                        }
                    }
                }
            }
            n++;
            av = as.load64(av + MallocState.NEXT);
        } while (av != c.mainArena);
        if (found == 0) {
            sb.append(outsideArenas(as, mem, target));
            found = c.mainArena;
        }
        bins(c, found, sb);
        return sb.toString();
    }

    private static long firstChunk(long start) {
        return ((start + Chunk.CHUNK_HDR_SZ + Chunk.MALLOC_ALIGN_MASK) & ~Chunk.MALLOC_ALIGN_MASK) - Chunk.CHUNK_HDR_SZ;
    }

    /**
     * Walks one heap segment from {@code p} to top; when {@code target} lies in one of its chunks,
     * draws that chunk and {@code radius} chunks on either side, and returns true.
     */
    private static boolean window(
            MallocContext c,
            long av,
            long p,
            long origin,
            long target,
            int radius,
            Map<Long, String> where,
            StringBuilder sb,
            String title) {
        AddressSpace as = c.as;
        long top = c.top(av);
        long[] ring = new long[radius + 1]; // the chunks just before the current one
        int seen = 0;
        for (; ; ) {
            long size = Chunk.chunksize(as, p);
            if (Long.compareUnsigned(target - p, size) < 0 || p == target) {
                sb.append(title).append('\n');
                int before = Math.min(seen, radius);
                for (int i = before; i > 0; i--) {
                    long q = ring[(seen - i) % ring.length];
                    sb.append(HeapDump.line(
                                    q,
                                    origin,
                                    Chunk.sizeNomask(as, q),
                                    HeapDump.state(q, Chunk.chunksize(as, q), top, where)))
                            .append('\n');
                }
                for (int i = 0; i <= radius; i++) {
                    long raw = Chunk.sizeNomask(as, p);
                    long s = raw & ~Chunk.SIZE_BITS;
                    sb.append(HeapDump.line(p, origin, raw, HeapDump.state(p, s, top, where)))
                            .append(i == 0 ? "   <-- 0x" + Long.toHexString(Chunk.chunk2mem(p)) : "")
                            .append('\n');
                    if (p == top || s <= Chunk.CHUNK_HDR_SZ) {
                        break;
                    }
                    p += s;
                }
                return true;
            }
            if (p == top || size <= Chunk.CHUNK_HDR_SZ) {
                return false;
            }
            ring[seen % ring.length] = p;
            seen++;
            p += size;
        }
    }

    /** A pointer in no arena: an mmapped chunk (drawn alone) or memory already given back. */
    private static String outsideArenas(AddressSpace as, long mem, long p) {
        if (mem == 0) {
            return "no pointer to show (NULL)\n";
        }
        try {
            long raw = Chunk.sizeNomask(as, p);
            if ((raw & Chunk.IS_MMAPPED) != 0) {
                return "mmapped chunk (no arena)\n" + HeapDump.line(p, p & ~0xfffL, raw, "mmapped") + "   <-- 0x"
                        + Long.toHexString(mem) + "\n";
            }
            return "0x" + Long.toHexString(mem) + " is in no arena's heap\n";
        } catch (SegmentationFault e) {
            return "0x" + Long.toHexString(mem) + " is not mapped (its chunk was given back)\n";
        }
    }

    /** The arena's bins and the calling thread's tcache, as non-empty lists with their lengths. */
    private static void bins(MallocContext c, long av, StringBuilder sb) {
        AddressSpace as = c.as;
        sb.append("bins of ")
                .append(av == c.mainArena ? "the main arena" : "this arena")
                .append(":\n");
        StringBuilder line = new StringBuilder();
        long tcache = c.tcache();
        if (tcache != 0) {
            for (int i = 0; i < Chunk.TCACHE_MAX_BINS; i++) {
                int count = as.load16(TcachePerthread.countAddr(tcache, i)) & 0xffff;
                if (count != 0) {
                    line.append(' ')
                            .append(i)
                            .append('(')
                            .append(Chunk.tidx2usize(i))
                            .append(" B)x")
                            .append(count);
                }
            }
        }
        sb.append("  tcache:   ")
                .append(tcache == 0 ? " (none yet)" : line.length() == 0 ? " empty" : line)
                .append('\n');
        line.setLength(0);
        for (int i = 0; i < Chunk.NFASTBINS; i++) {
            int count = 0;
            for (long p = as.load64(MallocState.fastbin(av, i));
                    p != 0;
                    p = Chunk.revealPtr(p + Chunk.FD, Chunk.fd(as, p))) {
                count++;
            }
            if (count != 0) {
                line.append(' ').append(i).append('x').append(count);
            }
        }
        sb.append("  fastbins: ").append(line.length() == 0 ? " empty" : line).append('\n');
        int[] counts = new int[Chunk.NBINS];
        for (int i = 1; i < Chunk.NBINS; i++) {
            long bin = MallocState.binAt(av, i);
            for (long p = Chunk.fd(as, bin); p != bin; p = Chunk.fd(as, p)) {
                counts[i]++;
            }
        }
        sb.append("  unsorted:  ")
                .append(counts[1] == 0 ? "empty" : counts[1] + " chunk(s)")
                .append('\n');
        sb.append("  smallbins:").append(binList(counts, 2, Chunk.NSMALLBINS)).append('\n');
        sb.append("  largebins:")
                .append(binList(counts, Chunk.NSMALLBINS, Chunk.NBINS))
                .append('\n');
        long top = c.top(av);
        sb.append("  top:       0x")
                .append(Long.toHexString(Chunk.chunksize(as, top)))
                .append(" bytes\n");
    }

    private static String binList(int[] counts, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            if (counts[i] != 0) {
                sb.append(' ').append(i).append('x').append(counts[i]);
            }
        }
        return sb.length() == 0 ? " empty" : sb.toString();
    }
}
