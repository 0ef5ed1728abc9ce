package org.mallocsim.cli;

import static org.mallocsim.traces.io.Json.str;

import java.util.List;
import java.util.Locale;
import org.mallocsim.replay.ReplayResult;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.natives.FidelityReport;
import org.mallocsim.traces.natives.FidelityReport.Kind;
import org.mallocsim.traces.natives.FidelityReport.Mismatch;

/**
 * What {@code mallocsim compare} prints: the fidelity table, class by class, and the first
 * divergence with both answers and the heap around it, as text or as one JSON object.
 */
final class CompareReport {
    /** The classes in the order the table lists them; the absolute mmapped address last, as information. */
    private static final Kind[] ORDER = {
        Kind.MAIN_ARENA,
        Kind.THREAD_ARENA,
        Kind.MMAPPED,
        Kind.CHUNK_WORD,
        Kind.BRK,
        Kind.NULL_RESULT,
        Kind.MMAPPED_ABSOLUTE
    };

    private final ReplayResult result;
    private final long recordedStartBrk;
    private final boolean binary;
    private final Divergence divergence;

    /**
     * @param binary whether the trace is mrecb, whose positions are record numbers (else line numbers)
     */
    CompareReport(ReplayResult result, long recordedStartBrk, boolean binary, Divergence divergence) {
        this.result = result;
        this.recordedStartBrk = recordedStartBrk;
        this.binary = binary;
        this.divergence = divergence;
    }

    /** True when every call was answered as glibc answered it. */
    boolean faithful() {
        return result.completed() && result.fidelity().faithful();
    }

    String text() {
        FidelityReport f = result.fidelity();
        StringBuilder sb = new StringBuilder();
        sb.append("compare of ")
                .append(result.traceName())
                .append(" with ")
                .append(result.allocator())
                .append(": ")
                .append(f.recordedCalls())
                .append(" calls recorded, ")
                .append(f.replayedCalls())
                .append(" replayed: ")
                .append(faithful() ? "faithful" : "DIVERGES")
                .append('\n');
        sb.append(String.format(Locale.ROOT, "  %-34s %10s %10s %8s%n", "class", "matched", "total", "rate")
                .replace(System.lineSeparator(), "\n"));
        for (Kind k : ORDER) {
            FidelityReport.Count c = f.count(k);
            String label = k == Kind.MMAPPED_ABSOLUTE ? k.label() + " (info)" : k.label();
            sb.append(String.format(Locale.ROOT, "  %-34s %10d %10d %8s%n", label, c.matched(), c.total(), rate(c))
                    .replace(System.lineSeparator(), "\n"));
        }
        if (result.death() != null) {
            sb.append("the emulated process was ")
                    .append(result.death().describe())
                    .append('\n');
        }
        Mismatch m = f.firstMismatchAnswers();
        if (m != null) {
            sb.append("first divergence: call ")
                    .append(m.call() + 1)
                    .append(" (index ")
                    .append(m.call())
                    .append("), ")
                    .append(binary ? "record " : "line ")
                    .append(m.position())
                    .append(" of the trace: ")
                    .append(call(m))
                    .append('\n');
            String rec = "recorded (glibc):";
            String rep = "replayed (" + result.allocator() + "):";
            int w = Math.max(rec.length(), rep.length()) + 1;
            sb.append("  ")
                    .append(pad(rec, w))
                    .append(answer(m.recorded(), recordedStartBrk, m.recorded()[1]))
                    .append('\n');
            sb.append("  ")
                    .append(pad(rep, w))
                    .append(answer(m.replayed(), result.startBrk(), m.recorded()[1]))
                    .append('\n');
            sb.append("  differs in: ").append(labels(m.kinds())).append('\n');
            if (divergence.heap() != null) {
                sb.append("emulated heap after that call, around 0x")
                        .append(Long.toHexString(divergence.pointer()))
                        .append(":\n");
                for (String line : divergence.heap().split("\n")) {
                    sb.append("  ").append(line).append('\n');
                }
            }
        }
        return sb.toString();
    }

    String json() {
        FidelityReport f = result.fidelity();
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"trace\": ").append(str(result.traceName())).append(",\n");
        sb.append("  \"allocator\": ").append(str(result.allocator())).append(",\n");
        sb.append("  \"faithful\": ").append(faithful()).append(",\n");
        sb.append("  \"recordedCalls\": ").append(f.recordedCalls()).append(",\n");
        sb.append("  \"replayedCalls\": ").append(f.replayedCalls()).append(",\n");
        sb.append("  \"died\": ")
                .append(result.death() == null ? "null" : str(result.death().describe()))
                .append(",\n");
        sb.append("  \"classes\": {\n");
        for (int i = 0; i < ORDER.length; i++) {
            Kind k = ORDER[i];
            FidelityReport.Count c = f.count(k);
            sb.append("    ")
                    .append(str(camel(k.name())))
                    .append(": { \"label\": ")
                    .append(str(k.label()))
                    .append(", \"matched\": ")
                    .append(c.matched())
                    .append(", \"total\": ")
                    .append(c.total())
                    .append(", \"required\": ")
                    .append(k != Kind.MMAPPED_ABSOLUTE)
                    .append(" }")
                    .append(i + 1 < ORDER.length ? ",\n" : "\n");
        }
        sb.append("  },\n");
        Mismatch m = f.firstMismatchAnswers();
        if (m == null) {
            sb.append("  \"firstDivergence\": null\n");
        } else {
            sb.append("  \"firstDivergence\": {\n");
            sb.append("    \"call\": ").append(m.call()).append(",\n");
            sb.append("    \"")
                    .append(binary ? "record" : "line")
                    .append("\": ")
                    .append(m.position())
                    .append(",\n");
            sb.append("    \"op\": ").append(str(call(m))).append(",\n");
            sb.append("    \"recorded\": ").append(answerJson(m.recorded())).append(",\n");
            sb.append("    \"replayed\": ").append(answerJson(m.replayed())).append(",\n");
            sb.append("    \"differsIn\": [");
            for (int i = 0; i < m.kinds().size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(str(camel(m.kinds().get(i).name())));
            }
            sb.append("],\n");
            sb.append("    \"heap\": ")
                    .append(divergence.heap() == null ? "null" : str(divergence.heap()))
                    .append('\n');
            sb.append("  }\n");
        }
        return sb.append("}\n").toString();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    private static String rate(FidelityReport.Count c) {
        return c.total() == 0 ? "-" : String.format(Locale.ROOT, "%.2f%%", 100.0 * c.matched() / c.total());
    }

    /** The call as the trace spells it: op letter and arguments. */
    static String call(Mismatch m) {
        switch (m.op()) {
            case TraceEvent.FREE:
                return "f " + hex(m.arg0());
            case TraceEvent.REALLOC:
                return "r " + hex(m.arg0()) + " " + Long.toUnsignedString(m.arg1());
            case TraceEvent.CALLOC:
            case TraceEvent.MEMALIGN_FAMILY:
                return m.op() + " " + Long.toUnsignedString(m.arg0()) + " " + Long.toUnsignedString(m.arg1());
            default:
                return m.op() + " " + Long.toUnsignedString(m.arg0());
        }
    }

    /** result, chunk word and break, the pointer also in the terms of the class the recorded chunk word names. */
    private static String answer(long[] a, long startBrk, long classWord) {
        String where;
        if (a[0] == 0) {
            where = "NULL";
        } else if ((classWord & 2) != 0) {
            where = hex(a[0]) + " (mmapped, page offset " + hex(a[0] & 0xfff) + ")";
        } else if ((classWord & 4) != 0) {
            where = hex(a[0]) + " (thread heap offset " + hex(a[0] & ((1L << 26) - 1)) + ")";
        } else {
            where = hex(a[0]) + " (start-brk" + signedHex(a[0] - startBrk) + ")";
        }
        return where + ", chunk word " + hex(a[1]) + ", brk start-brk" + signedHex(a[2] - startBrk);
    }

    private static String answerJson(long[] a) {
        return "{ \"result\": " + str(hex(a[0])) + ", \"chunkWord\": " + str(hex(a[1])) + ", \"brk\": " + str(hex(a[2]))
                + " }";
    }

    private static String labels(List<Kind> kinds) {
        StringBuilder sb = new StringBuilder();
        for (Kind k : kinds) {
            sb.append(sb.length() == 0 ? "" : ", ").append(k.label());
        }
        return sb.toString();
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String signedHex(long d) {
        return d < 0 ? "-0x" + Long.toHexString(-d) : "+0x" + Long.toHexString(d);
    }

    /** {@code CHUNK_WORD} → {@code chunkWord}, the keys {@code mallocsim replay --json} uses too. */
    private static String camel(String enumName) {
        StringBuilder sb = new StringBuilder();
        boolean up = false;
        for (char c : enumName.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                sb.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return sb.toString();
    }
}
