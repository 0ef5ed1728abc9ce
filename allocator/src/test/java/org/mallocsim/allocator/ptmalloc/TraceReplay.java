package org.mallocsim.allocator.ptmalloc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

/**
 * Replays one recorded trace ({@code traces/NAME.mrec.zst}, see traces/REFERENCE-FORMAT.md) through
 * {@link Ptmalloc} in a process started from the trace's map, and counts, per class, how many
 * results agree with glibc's: heap pointers as offsets from start-brk, mmapped pointers by page
 * offset, chunk words, and the break. The first mismatch is kept with the lines before it.
 */
final class TraceReplay {
    long calls;
    long heapPtrs;
    long heapPtrsOk;
    long mmapPtrs;
    long mmapPtrsOk;
    long mmapAbsoluteOk;
    long nulls;
    long nullsOk;
    long chunkWords;
    long chunkWordsOk;
    long brks;
    long brksOk;
    String firstMismatch;
    String firstAbsoluteMiss;
    final Ptmalloc ptmalloc;
    final AddressSpace as;
    private final long startBrk;

    private TraceReplay(Ptmalloc p, AddressSpace as, long startBrk) {
        this.ptmalloc = p;
        this.as = as;
        this.startBrk = startBrk;
    }

    static Path tracePath(String name) {
        Path p = Path.of("../traces", name + ".mrec.zst");
        if (!Files.exists(p)) {
            p = Path.of("traces", name + ".mrec.zst");
        }
        return p;
    }

    /** Replays the whole trace; {@code checkEvery} &gt; 0 runs the heap checker every that many calls. */
    static TraceReplay run(String name, int checkEvery) throws IOException, InterruptedException {
        Process zstd = new ProcessBuilder("zstd", "-dc", tracePath(name).toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        TraceReplay r;
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(zstd.getInputStream(), StandardCharsets.US_ASCII), 1 << 16)) {
            String header = in.readLine();
            long startBrk = Long.decode(
                    header.substring(header.indexOf("start-brk ") + 10).trim());
            List<String> maps = new ArrayList<>();
            String line;
            ArrayDeque<String> context = new ArrayDeque<>();
            r = null;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("# map ")) {
                    maps.add(line);
                    continue;
                }
                if (line.startsWith("#")) {
                    continue;
                }
                if (r == null) {
                    AddressSpace as = AddressSpace.fromMaps(KernelConfig.defaults(), maps, startBrk);
                    r = new TraceReplay(new Ptmalloc(as), as, startBrk);
                }
                context.addLast(line);
                if (context.size() > 8) {
                    context.removeFirst();
                }
                r.step(line, context);
                if (checkEvery > 0 && r.calls % checkEvery == 0) {
                    r.ptmalloc.checkHeap();
                }
            }
        }
        zstd.waitFor();
        return r;
    }

    private final Map<Long, Long> live = new HashMap<>();

    private long ours(long theirs) {
        Long v = live.get(theirs);
        return v == null ? theirs : v;
    }

    private int tid = -1;

    private void step(String line, ArrayDeque<String> context) {
        calls++;
        String[] f = line.split(" ");
        int t = Integer.parseInt(f[0]);
        if (t != tid) {
            ptmalloc.switchThread(t);
            tid = t;
        }
        char op = f[1].charAt(0);
        int eq = 2;
        while (!f[eq].equals("=")) {
            eq++;
        }
        long expResult = Long.decode(f[eq + 1]);
        long expWord = Long.decode(f[eq + 2]);
        long expBrk = Long.decode(f[eq + 3]);
        long got;
        switch (op) {
            case 'm':
                got = ptmalloc.malloc(Long.parseUnsignedLong(f[2]));
                break;
            case 'c':
                got = ptmalloc.calloc(Long.parseUnsignedLong(f[2]), Long.parseUnsignedLong(f[3]));
                break;
            case 'r': {
                long old = Long.decode(f[2]);
                long oursOld = ours(old);
                live.remove(old);
                got = ptmalloc.realloc(oursOld, Long.parseUnsignedLong(f[3]));
                if (got == 0 && Long.parseUnsignedLong(f[3]) != 0 && old != 0) {
                    live.put(old, oursOld);
                }
                break;
            }
            case 'f': {
                long old = Long.decode(f[2]);
                ptmalloc.free(ours(old));
                live.remove(old);
                got = 0;
                break;
            }
            case 'a':
                got = ptmalloc.memalign(Long.parseUnsignedLong(f[2]), Long.parseUnsignedLong(f[3]));
                break;
            case 'v':
                got = ptmalloc.valloc(Long.parseUnsignedLong(f[2]));
                break;
            case 'p':
                got = ptmalloc.pvalloc(Long.parseUnsignedLong(f[2]));
                break;
            default:
                throw new IllegalArgumentException("unknown op in " + line);
        }
        String problem = null;
        if (op != 'f') {
            if (expResult == 0) {
                nulls++;
                if (got == 0) {
                    nullsOk++;
                } else {
                    problem = "expected NULL";
                }
            } else if ((expWord & Chunk.IS_MMAPPED) != 0) {
                mmapPtrs++;
                if (got != 0 && (got & 0xfff) == (expResult & 0xfff)) {
                    mmapPtrsOk++;
                } else {
                    problem = "mmapped pointer page offset";
                }
                if (got == expResult) {
                    mmapAbsoluteOk++;
                } else if (firstAbsoluteMiss == null) {
                    firstAbsoluteMiss = "call " + calls + ": got 0x" + Long.toHexString(got) + " for " + line;
                }
            } else if ((expWord & Chunk.NON_MAIN_ARENA) != 0) {
                heapPtrs++;
                if (got != 0
                        && heapNumber(theirHeaps, expResult) == heapNumber(ourHeaps, got)
                        && (got & (MallocContext.HEAP_MAX_SIZE - 1))
                                == (expResult & (MallocContext.HEAP_MAX_SIZE - 1))) {
                    heapPtrsOk++;
                } else {
                    problem = "thread-arena heap or offset";
                }
            } else {
                heapPtrs++;
                if (got - startBrk == expResult - startBrk) {
                    heapPtrsOk++;
                } else {
                    problem = "heap pointer";
                }
            }
            if (expResult != 0) {
                chunkWords++;
                long word = got == 0 ? 0 : as.load64(got - 8);
                if (word == expWord) {
                    chunkWordsOk++;
                } else if (problem == null) {
                    problem = "chunk word 0x" + Long.toHexString(word);
                }
                if (got != 0) {
                    live.put(expResult, got);
                }
            }
        }
        brks++;
        long brk = as.currentBrk();
        if (brk - startBrk == expBrk - startBrk) {
            brksOk++;
        } else if (problem == null) {
            problem = "brk +0x" + Long.toHexString(brk - startBrk);
        }
        if (problem != null && firstMismatch == null) {
            firstMismatch = "call " + calls + ": " + problem + "; got 0x" + Long.toHexString(got) + " (+0x"
                    + Long.toHexString(got - startBrk) + ")\n  " + String.join("\n  ", context);
        }
    }

    private final List<Long> theirHeaps = new ArrayList<>();
    private final List<Long> ourHeaps = new ArrayList<>();

    /** Heaps numbered in order of first appearance (ptr &gt;&gt; 26), as the format prescribes. */
    private static int heapNumber(List<Long> heaps, long ptr) {
        long h = ptr >>> 26;
        int i = heaps.indexOf(h);
        if (i < 0) {
            heaps.add(h);
            i = heaps.size() - 1;
        }
        return i;
    }

    boolean perfect() {
        return heapPtrsOk == heapPtrs
                && mmapPtrsOk == mmapPtrs
                && nullsOk == nulls
                && chunkWordsOk == chunkWords
                && brksOk == brks;
    }

    @Override
    public String toString() {
        return String.format(
                        "calls %d | heap ptrs %d/%d | mmapped ptrs %d/%d (absolute %d) | NULLs %d/%d | "
                                + "chunk words %d/%d | brk %d/%d%s",
                        calls,
                        heapPtrsOk,
                        heapPtrs,
                        mmapPtrsOk,
                        mmapPtrs,
                        mmapAbsoluteOk,
                        nullsOk,
                        nulls,
                        chunkWordsOk,
                        chunkWords,
                        brksOk,
                        brks,
                        firstMismatch == null ? "" : "\nfirst mismatch: " + firstMismatch)
                + (firstAbsoluteMiss == null ? "" : "\nfirst mmapped chunk at another address: " + firstAbsoluteMiss);
    }
}
