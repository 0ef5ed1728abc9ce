package org.mallocsim.allocator.ptmalloc;

import org.mallocsim.kernel.mm.AddressSpace;

/**
 * Text views of ptmalloc's free lists in the spirit of pwndbg's {@code tcachebins},
 * {@code fastbins}, {@code bins} and {@code arena}, read from the process's memory through
 * loads, as a debugger reads them: the calling thread's tcache, and each arena's fastbins,
 * unsorted, small and large bins and fields of {@code struct malloc_state}. The lists are
 * followed by {@link HeapReader}, for at most {@link #LIMIT} entries each (a corrupted list may
 * loop), stopping at an unaligned link.
 * Not a hot path; changes nothing in the heap.
 */
final class BinsView {
    /** The most entries shown of one list. */
    static final int LIMIT = 16;

    private BinsView() {}

    /** The view named {@code view}: "tcache", "fastbins", "bins", "arena" or "heaps". */
    static String view(MallocContext c, String view) {
        if (!c.initialized()) {
            return "(malloc not initialized)\n";
        }
        switch (view) {
            case "tcache":
                return tcache(c, c.tcache());
            case "fastbins":
                return fastbins(c);
            case "bins":
                return bins(c);
            case "arena":
                return arenas(c);
            case "heaps":
                return heaps(c);
            default:
                throw new IllegalArgumentException("no heap view named " + view);
        }
    }

    /** {@code tcachebins}: each non-empty bin's size, count and entries (user pointers). */
    static String tcache(MallocContext c, long tcache) {
        if (tcache == 0) {
            return "tcache: none yet (the thread has not allocated)\n";
        }
        AddressSpace as = c.as;
        StringBuilder sb = new StringBuilder("tcachebins (0x")
                .append(Long.toHexString(tcache))
                .append(")\n");
        Entries entries = new Entries(as, sb, false);
        for (long i = 0; i < Chunk.TCACHE_MAX_BINS; i++) {
            int count = as.load16(TcachePerthread.countAddr(tcache, i)) & 0xffff;
            if (count == 0 && as.load64(TcachePerthread.entryAddr(tcache, i)) == 0) {
                continue;
            }
            sb.append(String.format(
                    "0x%x [%3d]:",
                    Chunk.tidx2usize(i) + Chunk.SIZE_SZ + Chunk.MALLOC_ALIGN_MASK & ~Chunk.MALLOC_ALIGN_MASK, count));
            entries.start();
            sb.append(HeapReader.tcacheBin(as, tcache, i, entries) == 0 ? " 0" : " ...")
                    .append('\n');
        }
        return sb.toString();
    }

    /** {@code fastbins} of every arena: chunk pointers, safe-linked links revealed. */
    static String fastbins(MallocContext c) {
        AddressSpace as = c.as;
        StringBuilder sb = new StringBuilder();
        Entries entries = new Entries(as, sb, false);
        long av = c.mainArena;
        do {
            sb.append("fastbins (arena 0x").append(Long.toHexString(av)).append(")\n");
            for (int i = 0; i < Chunk.NFASTBINS; i++) {
                sb.append(String.format("0x%x:", (i + 2) * 16));
                entries.start();
                sb.append(HeapReader.fastbin(as, av, i, entries) == 0 ? " 0" : " ...")
                        .append('\n');
            }
            av = HeapReader.nextArena(as, av);
        } while (av != c.mainArena);
        return sb.toString();
    }

    /** {@code bins}: the non-empty unsorted, small and large bins of every arena, by fd. */
    static String bins(MallocContext c) {
        AddressSpace as = c.as;
        StringBuilder sb = new StringBuilder();
        Entries entries = new Entries(as, sb, true);
        long av = c.mainArena;
        do {
            sb.append("bins (arena 0x").append(Long.toHexString(av)).append(")\n");
            for (int i = 1; i < Chunk.NBINS; i++) {
                long bin = MallocState.binAt(av, i);
                if (Chunk.fd(as, bin) == bin) {
                    continue;
                }
                sb.append(i == 1 ? "unsorted" : (i < Chunk.NSMALLBINS ? "smallbin " : "largebin ") + i)
                        .append(':');
                entries.start();
                sb.append(HeapReader.bin(as, av, i, entries) == 0 ? " bin" : " ...")
                        .append('\n');
            }
            av = HeapReader.nextArena(as, av);
        } while (av != c.mainArena);
        return sb.toString();
    }

    /**
     * Prints a list's entries as {@code " 0xADDR ->"} (with the chunk's size for bins), at most
     * {@link #LIMIT} of them, marking an unaligned one.
     */
    private static final class Entries implements HeapReader.Entries {
        private final AddressSpace as;
        private final StringBuilder sb;
        private final boolean sizes;
        private int n;

        Entries(AddressSpace as, StringBuilder sb, boolean sizes) {
            this.as = as;
            this.sb = sb;
            this.sizes = sizes;
        }

        void start() {
            n = 0;
        }

        @Override
        public boolean entry(long p) {
            if (n == LIMIT) {
                return false;
            }
            n++;
            sb.append(" 0x").append(Long.toHexString(p));
            if (sizes) {
                sb.append(" (0x")
                        .append(Long.toHexString(Chunk.chunksize(as, p)))
                        .append(')');
            }
            sb.append(" ->");
            if (!sizes && Chunk.misaligned(p)) {
                sb.append(" (unaligned)");
            }
            return true;
        }
    }

    /** {@code arena}: the fields of each malloc_state that the bins views do not show. */
    static String arenas(MallocContext c) {
        AddressSpace as = c.as;
        StringBuilder sb = new StringBuilder();
        long av = c.mainArena;
        int n = 0;
        do {
            sb.append(String.format(
                    "arena %d%s at 0x%x: flags 0x%x  have_fastchunks %d  top 0x%x  last_remainder 0x%x"
                            + "  system_mem 0x%x  max_system_mem 0x%x  attached_threads %d  next 0x%x%n",
                    n++,
                    av == c.mainArena ? " (main)" : "",
                    av,
                    as.load32(av + MallocState.FLAGS),
                    as.load32(av + MallocState.HAVE_FASTCHUNKS),
                    as.load64(av + MallocState.TOP),
                    as.load64(av + MallocState.LAST_REMAINDER),
                    as.load64(av + MallocState.SYSTEM_MEM),
                    as.load64(av + MallocState.MAX_SYSTEM_MEM),
                    as.load64(av + MallocState.ATTACHED_THREADS),
                    as.load64(av + MallocState.NEXT)));
            av = as.load64(av + MallocState.NEXT);
        } while (av != c.mainArena && n < 64);
        return sb.toString();
    }

    /** {@code heaps}: each thread arena's heaps (heap_info), newest first, as arena.c chains them. */
    static String heaps(MallocContext c) {
        AddressSpace as = c.as;
        StringBuilder sb = new StringBuilder();
        long av = as.load64(c.mainArena + MallocState.NEXT);
        for (int n = 1; av != c.mainArena && n < 64; n++) {
            sb.append(String.format("arena %d at 0x%x%n", n, av));
            long h = HeapInfo.heapForPtr(as.load64(av + MallocState.TOP));
            for (int k = 0; h != 0 && k < 1024; k++) {
                sb.append(String.format(
                        "  heap 0x%x: ar_ptr 0x%x  prev 0x%x  size 0x%x  mprotect_size 0x%x%n",
                        h,
                        as.load64(h + HeapInfo.AR_PTR),
                        as.load64(h + HeapInfo.PREV),
                        as.load64(h + HeapInfo.SIZE),
                        as.load64(h + HeapInfo.MPROTECT_SIZE)));
                h = as.load64(h + HeapInfo.PREV);
            }
            av = as.load64(av + MallocState.NEXT);
        }
        return sb.length() == 0 ? "heaps: none (only the main arena, which grows by brk)\n" : sb.toString();
    }
}
