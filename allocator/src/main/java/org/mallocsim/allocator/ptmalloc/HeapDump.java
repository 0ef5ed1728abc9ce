package org.mallocsim.allocator.ptmalloc;

import java.util.HashMap;
import java.util.Map;

/**
 * A text picture of the heap: for each arena, every chunk from the heap start to top with its
 * offset, size, flag bits and where it is (in use, tcache, fastbin, unsorted, small or large bin,
 * top, fencepost), as glibc's {@code dump_heap} (arena.c, MALLOC_DEBUG &gt; 1) walks it. Offsets
 * are from the initial break for the main arena and from the heap for thread arenas, so that two
 * runs of one program compare line for line. The chunks and lists come from {@link HeapReader}.
 * Not a hot path.
 */
final class HeapDump {
    private HeapDump() {}

    static String render(MallocContext c, long[] otherTcaches) {
        if (!c.initialized()) {
            return "(malloc not initialized)\n";
        }
        Map<Long, String> where = where(c, otherTcaches);
        StringBuilder sb = new StringBuilder();
        long av = c.mainArena;
        int n = 0;
        do {
            boolean main = av == c.mainArena;
            sb.append("arena ").append(n++).append(main ? " (main)" : "").append('\n');
            if (!main || c.contiguous(av)) {
                long top = c.top(av);
                HeapReader.chunks(c, av, new HeapReader.Chunks() {
                    private long origin;

                    @Override
                    public boolean heap(long start, long first) {
                        origin = start;
                        if (!main) {
                            sb.append(" heap +0x")
                                    .append(Long.toHexString(start & (MallocContext.HEAP_MAX_SIZE - 1)))
                                    .append('\n');
                        }
                        return true;
                    }

                    @Override
                    public boolean chunk(long p, long raw) {
                        long size = raw & ~Chunk.SIZE_BITS;
                        sb.append(line(p, origin, raw, state(p, size, top, where)))
                                .append(System.lineSeparator());
                        return size > Chunk.CHUNK_HDR_SZ; // a fencepost ends the heap
                    }
                });
            }
            av = HeapReader.nextArena(c.as, av);
        } while (av != c.mainArena);
        return sb.toString();
    }

    /**
     * Every listed chunk with the list holding it ("tcache 3", "fastbin 0", "unsorted",
     * "smallbin 20", "largebin 70"): the calling thread's tcache, {@code otherTcaches}, every arena's bins.
     */
    static Map<Long, String> where(MallocContext c, long[] otherTcaches) {
        long[] tcaches = new long[otherTcaches.length + 1];
        tcaches[0] = c.tcache();
        System.arraycopy(otherTcaches, 0, tcaches, 1, otherTcaches.length);
        Map<Long, String> where = new HashMap<>();
        HeapReader.listed(c, tcaches, (p, state, bin) -> where.put(p, label(state, bin)));
        return where;
    }

    private static String label(int state, long bin) {
        return switch (state) {
            case HeapWalk.TCACHE -> "tcache " + bin;
            case HeapWalk.FASTBIN -> "fastbin " + bin;
            case HeapWalk.UNSORTED -> "unsorted";
            case HeapWalk.SMALL -> "smallbin " + bin;
            default -> "largebin " + bin;
        };
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
