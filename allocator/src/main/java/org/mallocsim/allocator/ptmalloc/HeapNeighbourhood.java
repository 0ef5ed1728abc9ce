package org.mallocsim.allocator.ptmalloc;

import java.util.Map;
import org.mallocsim.kernel.SegmentationFault;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * The heap around one pointer: the few chunks before and after the chunk that holds it, drawn as
 * {@link HeapDump} draws them, and the bins of its arena with the calling thread's tcache, as
 * counts. It walks the heaps and lists with {@link HeapReader}, as glibc's {@code dump_heap}
 * (arena.c) walks them, and reads memory only, so the allocator's behaviour is unchanged. Not a
 * hot path: it answers "what did the heap look like where the two runs parted".
 */
final class HeapNeighbourhood {
    private HeapNeighbourhood() {}

    static String render(MallocContext c, long[] otherTcaches, long mem, int radius) {
        if (!c.initialized()) {
            return "(malloc not initialized)\n";
        }
        AddressSpace as = c.as;
        Map<Long, String> where = HeapDump.where(c, otherTcaches);
        StringBuilder sb = new StringBuilder();
        long target = mem == 0 ? 0 : Chunk.mem2chunk(mem);
        long found = 0;
        long av = c.mainArena;
        int n = 0;
        do {
            boolean main = av == c.mainArena;
            if (target != 0 && found == 0 && (!main || c.contiguous(av))) {
                Window w =
                        new Window(c.top(av), target, radius, where, sb, main ? "arena 0 (main)" : "arena " + n, main);
                HeapReader.chunks(c, av, w);
                if (w.found) {
                    found = av;
                }
            }
            n++;
            av = HeapReader.nextArena(as, av);
        } while (av != c.mainArena);
        if (found == 0) {
            sb.append(outsideArenas(as, mem, target));
            found = c.mainArena;
        }
        bins(c, found, sb);
        return sb.toString();
    }

    /**
     * Walks an arena's heaps; in the heap where {@code target} lies in a chunk, draws that chunk
     * and {@code radius} chunks on either side under the heap's title, and skips the heaps after it.
     */
    private static final class Window implements HeapReader.Chunks {
        private final long top;
        private final long target;
        private final int radius;
        private final Map<Long, String> where;
        private final StringBuilder sb;
        private final String arena;
        private final boolean main;
        /** The chunks just before the current one, and their size words. */
        private final long[] ring;

        private final long[] ringRaw;

        private long origin;
        private String title;
        private int seen;
        /** Chunks still to draw after the target's; -1 until the target is found. */
        private int after = -1;

        boolean found;

        Window(
                long top,
                long target,
                int radius,
                Map<Long, String> where,
                StringBuilder sb,
                String arena,
                boolean main) {
            this.top = top;
            this.target = target;
            this.radius = radius;
            this.where = where;
            this.sb = sb;
            this.arena = arena;
            this.main = main;
            this.ring = new long[radius + 1];
            this.ringRaw = new long[radius + 1];
        }

        @Override
        public boolean heap(long start, long first) {
            if (found) {
                return false;
            }
            origin = start;
            title = main ? arena : arena + " heap +0x" + Long.toHexString(start & (MallocContext.HEAP_MAX_SIZE - 1));
            seen = 0;
            return true;
        }

        @Override
        public boolean chunk(long p, long raw) {
            long size = raw & ~Chunk.SIZE_BITS;
            if (after >= 0) {
                draw(p, raw, "");
                return --after >= 0 && size > Chunk.CHUNK_HDR_SZ;
            }
            if (Long.compareUnsigned(target - p, size) < 0 || p == target) {
                found = true;
                sb.append(title).append('\n');
                for (int i = Math.min(seen, radius); i > 0; i--) {
                    int slot = (seen - i) % ring.length;
                    draw(ring[slot], ringRaw[slot], "");
                }
                draw(p, raw, "   <-- 0x" + Long.toHexString(Chunk.chunk2mem(p)));
                after = radius - 1;
                return after >= 0 && size > Chunk.CHUNK_HDR_SZ;
            }
            if (size <= Chunk.CHUNK_HDR_SZ) {
                return false;
            }
            ring[seen % ring.length] = p;
            ringRaw[seen % ring.length] = raw;
            seen++;
            return true;
        }

        private void draw(long p, long raw, String mark) {
            sb.append(HeapDump.line(p, origin, raw, HeapDump.state(p, raw & ~Chunk.SIZE_BITS, top, where)))
                    .append(mark)
                    .append('\n');
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
        int[] count = new int[1];
        HeapReader.Entries counter = p -> {
            count[0]++;
            return true;
        };
        for (int i = 0; i < Chunk.NFASTBINS; i++) {
            count[0] = 0;
            HeapReader.fastbin(as, av, i, counter);
            if (count[0] != 0) {
                line.append(' ').append(i).append('x').append(count[0]);
            }
        }
        sb.append("  fastbins: ").append(line.length() == 0 ? " empty" : line).append('\n');
        int[] counts = new int[Chunk.NBINS];
        for (int i = 1; i < Chunk.NBINS; i++) {
            count[0] = 0;
            HeapReader.bin(as, av, i, counter);
            counts[i] = count[0];
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
