package org.mallocsim.cli;

import static org.mallocsim.traces.io.Json.str;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.mallocsim.traces.natives.FidelityReport;
import org.mallocsim.traces.natives.NativeReplayer;

/**
 * What {@code mallocsim native} found, printed for people ({@link #text}) or as one JSON object
 * ({@link #json}) with the same facts under stable keys.
 */
final class NativeReport {
    private final Path trace;
    private final Path emitted;
    private final NativeReplayer.Result replay;
    private FidelityReport comparison;
    private String noComparison;

    NativeReport(Path trace, Path emitted, NativeReplayer.Result replay) {
        this.trace = trace;
        this.emitted = emitted;
        this.replay = replay;
    }

    void compared(FidelityReport report) {
        comparison = report;
    }

    /** No comparison was made; {@code why} says why (null: not asked for). */
    void noComparison(String why) {
        noComparison = why;
    }

    /** The comparison, or null when none was made. */
    FidelityReport comparison() {
        return comparison;
    }

    void text(PrintWriter out) {
        out.printf(
                "calls: %d (%d threads), wall %.1f ms, %d ns/call%n",
                replay.stat("calls"), replay.stat("threads"), replay.stat("wall-ns") / 1e6, replay.stat("ns-per-call"));
        for (Map.Entry<Character, long[]> e : replay.nsPerCallByOp().entrySet()) {
            out.printf("  %s: %d calls, %d ns/call%n", e.getKey(), e.getValue()[0], e.getValue()[1]);
        }
        if (replay.stat("unknown-pointers") > 0) {
            out.printf(
                    "skipped: %d frees/reallocs of pointers the trace never returned%n",
                    replay.stat("unknown-pointers"));
        }
        if (emitted != null) {
            out.println("answers: " + emitted);
        }
        if (noComparison != null) {
            out.println(noComparison + (emitted == null ? " (keep them with --emit FILE)" : ""));
        }
        if (comparison != null) {
            out.println(
                    comparison.faithful()
                            ? "answers match the recorded ones:"
                            : "answers differ from the recorded ones:");
            comparison.lines().forEach(l -> out.println("  " + l));
        }
    }

    String json() {
        StringBuilder j = new StringBuilder("{");
        field(j, "trace", str(trace.toString()));
        for (String k :
                new String[] {"calls", "threads", "wall-ns", "ns-per-call", "unknown-pointers", "failed-allocations"}) {
            field(j, k.replace('-', '_'), Long.toString(replay.stat(k)));
        }
        StringBuilder ops = new StringBuilder("{");
        for (Map.Entry<Character, long[]> e : replay.nsPerCallByOp().entrySet()) {
            field(
                    ops,
                    e.getKey().toString(),
                    "{\"calls\":" + e.getValue()[0] + ",\"ns_per_call\":" + e.getValue()[1] + "}");
        }
        field(j, "ops", ops.append('}').toString());
        field(j, "answers", emitted == null ? "null" : str(emitted.toString()));
        field(j, "comparison", comparison == null ? "null" : comparisonJson());
        field(j, "no_comparison", noComparison == null ? "null" : str(noComparison));
        return j.append('}').toString();
    }

    private String comparisonJson() {
        StringBuilder c = new StringBuilder("{");
        field(c, "faithful", Boolean.toString(comparison.faithful()));
        field(c, "recorded_calls", Long.toString(comparison.recordedCalls()));
        field(c, "replayed_calls", Long.toString(comparison.replayedCalls()));
        StringBuilder classes = new StringBuilder("{");
        for (FidelityReport.Kind k : FidelityReport.Kind.values()) {
            FidelityReport.Count n = comparison.count(k);
            field(
                    classes,
                    k.name().toLowerCase(Locale.ROOT),
                    "{\"matched\":" + n.matched() + ",\"total\":" + n.total() + "}");
        }
        field(c, "classes", classes.append('}').toString());
        FidelityReport.Mismatch m = comparison.firstMismatchAnswers();
        field(
                c,
                "first_mismatch",
                m == null
                        ? "null"
                        : "{\"call\":" + (m.call() + 1) + ",\"position\":" + m.position()
                                + ",\"op\":" + str(String.valueOf(m.op())) + ",\"recorded\":" + answers(m.recorded())
                                + ",\"replayed\":" + answers(m.replayed()) + "}");
        return c.append('}').toString();
    }

    private static String answers(long[] a) {
        return "{\"result\":" + str(hex(a[0])) + ",\"chunk_word\":" + str(hex(a[1])) + ",\"brk\":" + str(hex(a[2]))
                + "}";
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static void field(StringBuilder j, String key, String value) {
        if (j.length() > 1) {
            j.append(',');
        }
        j.append(str(key)).append(':').append(value);
    }
}
