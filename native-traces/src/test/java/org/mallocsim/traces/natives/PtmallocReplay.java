package org.mallocsim.traces.natives;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.allocator.ptmalloc.Ptmalloc;
import org.mallocsim.allocator.ptmalloc.Tunables;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;
import org.mallocsim.traces.format.TraceHeader;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;

/**
 * Runs the calls of glibc's answers file (what {@code mallocsim-replay --emit} wrote) through
 * {@link Ptmalloc} in an emulated process started from the same {@code /proc/self/maps} and
 * start-brk, on the same threads (thread starts and exits where the trace has them, a thread
 * switch before each call of another thread), and gives Ptmalloc's answers in the same reference
 * format, so that
 * {@link FidelityReport} compares the two call for call. Pointers passed to free and realloc are
 * glibc's; each is mapped to what Ptmalloc returned for the same call.
 */
final class PtmallocReplay {
    /** Ptmalloc's answers, possibly fewer calls than glibc's when it stopped. */
    final ReferenceTrace answers;
    /** Why the replay stopped early (an abort or an exception), or null. */
    final String stoppedBy;

    private PtmallocReplay(ReferenceTrace answers, String stoppedBy) {
        this.answers = answers;
        this.stoppedBy = stoppedBy;
    }

    /**
     * @param glibcAnswers  the native replayer's answers file
     * @param glibcTunables the GLIBC_TUNABLES the native replay ran under ("" for none)
     */
    static PtmallocReplay run(Path glibcAnswers, String glibcTunables) throws IOException {
        TraceHeader header;
        try (TraceReader r = Traces.open(glibcAnswers)) {
            header = r.header();
        }
        long startBrk = header.startBrk;
        ReferenceTrace glibc = ReferenceTrace.read(glibcAnswers);
        AddressSpace as = AddressSpace.fromMaps(KernelConfig.defaults(), header.maps, startBrk);
        Ptmalloc ptmalloc =
                new Ptmalloc(as, glibcTunables.isEmpty() ? Tunables.defaults() : Tunables.parse(glibcTunables));

        StringBuilder out = new StringBuilder(64 * glibc.size() + 64);
        out.append("# mrec 1 start-brk 0x").append(Long.toHexString(startBrk)).append("\n# answered-by ptmalloc\n");
        Map<Long, Long> ours = new HashMap<>();
        String stoppedBy = null;
        List<long[]> threadEvents = threadEvents(glibcAnswers);
        int nextThreadEvent = 0;
        long currentTid = -1;
        for (int i = 0; i < glibc.size(); i++) {
            try {
                // thread starts and exits that come before call i, then the switch to its thread
                while (nextThreadEvent < threadEvents.size() && threadEvents.get(nextThreadEvent)[0] == i) {
                    long[] e = threadEvents.get(nextThreadEvent++);
                    if (e[2] == 't') {
                        ptmalloc.threadStarted((int) e[1], (int) e[3]);
                    } else {
                        ptmalloc.threadExited((int) e[1]);
                    }
                }
                if (glibc.tid(i) != currentTid) {
                    currentTid = glibc.tid(i);
                    ptmalloc.switchThread((int) currentTid);
                }
            } catch (RuntimeException e) {
                stoppedBy = "thread event before call " + (i + 1) + " threw " + e;
                break;
            }
            char op = glibc.op(i);
            long a1 = glibc.arg1(i);
            long a2 = glibc.arg2(i);
            long result;
            try {
                switch (op) {
                    case 'm' -> result = ptmalloc.malloc(a1);
                    case 'c' -> result = ptmalloc.calloc(a1, a2);
                    case 'a' -> result = ptmalloc.memalign(a1, a2);
                    case 'v' -> result = ptmalloc.valloc(a1);
                    case 'p' -> result = ptmalloc.pvalloc(a1);
                    case 'f' -> {
                        ptmalloc.free(ours.getOrDefault(a1, a1));
                        ours.remove(a1);
                        result = 0;
                    }
                    case 'r' -> {
                        long old = ours.getOrDefault(a1, a1);
                        result = ptmalloc.realloc(old, a2);
                        if (result != 0 || a2 == 0) {
                            ours.remove(a1);
                        }
                    }
                    default -> throw new IllegalStateException("unknown op " + op);
                }
            } catch (MallocAbort e) {
                stoppedBy = "call " + (i + 1) + " (" + describe(glibc, i) + ") aborted: " + e.glibcMessage();
                break;
            } catch (RuntimeException e) {
                stoppedBy = "call " + (i + 1) + " (" + describe(glibc, i) + ") threw " + e;
                break;
            }
            if (result != 0 && glibc.result(i) != 0) {
                ours.put(glibc.result(i), result);
            }
            long word = result == 0 ? 0 : as.load64(result - 8);
            out.append(glibc.tid(i)).append(' ').append(op).append(' ');
            switch (op) {
                case 'f' -> out.append("0x").append(Long.toHexString(a1));
                case 'r' ->
                    out.append("0x").append(Long.toHexString(a1)).append(' ').append(Long.toUnsignedString(a2));
                case 'c', 'a' ->
                    out.append(Long.toUnsignedString(a1)).append(' ').append(Long.toUnsignedString(a2));
                default -> out.append(Long.toUnsignedString(a1));
            }
            out.append(" = 0x")
                    .append(Long.toHexString(result))
                    .append(" 0x")
                    .append(Long.toHexString(word))
                    .append(" 0x")
                    .append(Long.toHexString(as.currentBrk()))
                    .append('\n');
        }
        ReferenceTrace answers = ReferenceTrace.read(
                new ByteArrayInputStream(out.toString().getBytes(StandardCharsets.US_ASCII)), "ptmalloc");
        return new PtmallocReplay(answers, stoppedBy);
    }

    /**
     * The thread events of an answers file ({@code TID t PARENT = ...}, {@code TID x = ...}), each as
     * {index of the call it precedes, tid, 't' or 'x', parent tid}.
     */
    private static List<long[]> threadEvents(Path answers) throws IOException {
        List<long[]> events = new ArrayList<>();
        int calls = 0;
        for (String line : Files.readAllLines(answers, StandardCharsets.US_ASCII)) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f[1].equals("t")) {
                events.add(new long[] {calls, Long.parseLong(f[0]), 't', Long.parseLong(f[2])});
            } else if (f[1].equals("x")) {
                events.add(new long[] {calls, Long.parseLong(f[0]), 'x', 0});
            } else if (!f[1].equals("k")) {
                calls++;
            }
        }
        return events;
    }

    /** Call {@code i} as glibc made it, with its answers as offsets where they are heap offsets. */
    static String describe(ReferenceTrace t, int i) {
        StringBuilder b = new StringBuilder();
        b.append(t.op(i)).append(' ');
        switch (t.op(i)) {
            case 'f' -> b.append(offset(t, t.arg1(i)));
            case 'r' -> b.append(offset(t, t.arg1(i))).append(' ').append(Long.toUnsignedString(t.arg2(i)));
            case 'c', 'a' ->
                b.append(Long.toUnsignedString(t.arg1(i))).append(' ').append(Long.toUnsignedString(t.arg2(i)));
            default -> b.append(Long.toUnsignedString(t.arg1(i)));
        }
        if (t.op(i) != 'f') {
            b.append(" = ").append(offset(t, t.result(i))).append(" word 0x").append(Long.toHexString(t.chunkWord(i)));
        }
        return b.append(" brk +0x")
                .append(Long.toHexString(t.brk(i) - t.startBrk()))
                .toString();
    }

    private static String offset(ReferenceTrace t, long p) {
        if (p == 0) {
            return "NULL";
        }
        long off = p - t.startBrk();
        return off >= 0 && off < (1L << 32) ? "brk+0x" + Long.toHexString(off) : "0x" + Long.toHexString(p);
    }
}
