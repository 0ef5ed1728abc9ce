package org.mallocsim.cli.shell;

import java.util.List;
import java.util.Set;
import org.mallocsim.allocator.ptmalloc.Chunk;
import org.mallocsim.allocator.ptmalloc.HeapWalk;
import org.mallocsim.allocator.ptmalloc.Ptmalloc;
import org.mallocsim.kernel.Page;
import org.mallocsim.kernel.SegmentationFault;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * Views of an emulated process's ptmalloc heap in the spirit of pwndbg's {@code heap} and
 * {@code vis_heap_chunks}, read from the process's memory through loads (never through the
 * allocator's Java state), so they show what a debugger attached to the process would see.
 * <ul>
 *  <li>{@code heap}: every chunk of every arena with its size, flag bits and where it is
 *      ({@link Ptmalloc#dumpHeap()});</li>
 *  <li>{@code tcache}, {@code fastbins}, {@code bins}, {@code arena}, {@code heaps}: the calling thread's
 *      tcache bins, each arena's fastbins and unsorted/small/large bins, the arenas' fields and the thread arenas' heap_info chains
 *      ({@link Ptmalloc#view(String)});</li>
 *  <li>{@code try_free ADDR}: whether free(ADDR) would abort, and with which message, found
 *      by freeing in a replayed twin of the process ({@link EmulatedBackend#tryFree});</li>
 *  <li>{@code vis ADDR [N]}: N (default 8) 16-byte rows of words from the chunk that holds ADDR,
 *      a chunk's first row marked with its header so the boundaries show. With another policy,
 *      whose headers are not glibc's, the words from ADDR unmarked.</li>
 * </ul>
 * A real process's heap is not readable from the shell: with {@code --native} these say so.
 */
final class HeapViews {
    static final Set<String> NAMES =
            Set.of("heap", "vis", "tcache", "fastbins", "bins", "arena", "arenas", "heaps", "try_free");

    private final Ptmalloc malloc;
    private final String policy;
    private final EmulatedBackend process;

    /** Views of {@code malloc}; null when the process runs another policy, {@code policy}. */
    HeapViews(Ptmalloc malloc, String policy, EmulatedBackend process) {
        this.malloc = malloc;
        this.policy = policy;
        this.process = process;
    }

    String render(String view, List<Long> args) {
        if (malloc == null && !view.equals("vis")) {
            return "# " + view + ": the heap views read glibc's malloc; this process runs the " + policy
                    + " allocator (vis still shows its words)\n";
        }
        if (view.equals("try_free")) {
            return args.size() != 1 ? "# try_free: expected try_free ADDR\n" : process.tryFree(args.get(0));
        }
        if (!view.equals("vis")) {
            try {
                return view.equals("heap") ? malloc.dumpHeap() : malloc.view(view.equals("arenas") ? "arena" : view);
            } catch (SegmentationFault e) {
                return "# " + view + ": the walk left mapped memory (a corrupted size or link): " + e.straceLine()
                        + "\n";
            }
        }
        if (args.isEmpty() || args.size() > 2) {
            return "# vis: expected vis ADDR [ROWS]\n";
        }
        long rows = args.size() == 2 ? Math.min(Math.max(args.get(1), 1), 4096) : 8;
        AddressSpace as = process.addressSpace();
        StringBuilder sb = new StringBuilder();
        try {
            if (malloc == null) {
                vis(as, args.get(0) & ~15L, rows, -1, sb);
            } else {
                long chunk = chunkHolding(malloc, args.get(0));
                vis(as, chunk, rows, chunk, sb);
            }
        } catch (SegmentationFault e) {
            sb.append("# vis: ").append(e.straceLine()).append('\n');
        }
        return sb.toString();
    }

    /**
     * The chunk whose bytes hold {@code addr}, as a debugger finds it: from the arenas' heaps
     * walked chunk by chunk, else an mmapped chunk starting at addr's page, else addr itself
     * (16-aligned), taken as a chunk as pwndbg's vis_heap_chunks takes its argument.
     */
    private static long chunkHolding(Ptmalloc malloc, long addr) {
        long[] found = {0};
        malloc.walkHeap(new HeapWalk.Visitor() {
            @Override
            public void heap(long start, long end, boolean main) {}

            @Override
            public void chunk(long chunk, long size, int state) {
                if (found[0] == 0 && addr - chunk >= 0 && addr - chunk < size) {
                    found[0] = chunk;
                }
            }
        });
        if (found[0] != 0) {
            return found[0];
        }
        long page = addr & ~(Page.PAGE_SIZE - 1);
        try {
            long raw = malloc.addressSpace().load64(page + Chunk.SIZE);
            if ((raw & Chunk.IS_MMAPPED) != 0 && addr - page < (raw & ~Chunk.SIZE_BITS)) {
                return page;
            }
        } catch (SegmentationFault e) {
            // no page there: the rows' own loads report it
        }
        return addr & ~15L;
    }

    /**
     * Rows of two words from {@code addr}; when {@code firstChunk} is a chunk, each row holding a
     * chunk header (prev_size, size) along the chain of sizes from it starts with '+'.
     */
    private static void vis(AddressSpace as, long addr, long rows, long firstChunk, StringBuilder sb) {
        long nextChunk = firstChunk;
        for (long r = 0; r < rows; r++) {
            long a = addr + 16 * r;
            long w0 = as.load64(a);
            long w1 = as.load64(a + 8);
            boolean header = a == nextChunk;
            if (header) {
                long size = w1 & ~7L;
                nextChunk = size >= 16 ? a + size : -1;
            }
            sb.append(header ? "+ " : "  ").append(String.format("0x%x  0x%016x  0x%016x", a, w0, w1));
            if (header) {
                sb.append("  size 0x")
                        .append(Long.toHexString(w1 & ~7L))
                        .append((w1 & 1) != 0 ? " P" : "")
                        .append((w1 & 2) != 0 ? " M" : "")
                        .append((w1 & 4) != 0 ? " A" : "");
            }
            sb.append('\n');
        }
    }
}
