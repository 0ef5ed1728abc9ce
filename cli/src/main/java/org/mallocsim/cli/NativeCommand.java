package org.mallocsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mallocsim.traces.natives.FidelityReport;
import org.mallocsim.traces.natives.NativeReplayer;
import org.mallocsim.traces.natives.ReferenceTrace;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mallocsim native TRACE [--emit FILE] [--touch MODE] [--json]}: replays a trace against
 * this machine's real glibc in a fresh process and reports the cost per call and whether glibc's
 * answers equal the recorded ones. {@code --json} prints one object instead, with the same
 * {@code calls} and {@code nsPerCall} fields as {@code mallocsim replay --json}, so that scripts
 * (benchmarks/run.sh) can set the two side by side:
 *
 * <pre>
 * { "trace": "bash.mrec.zst", "allocator": "native glibc", "touch": "none", "calls": 2262625,
 *   "threads": 1, "unknownPointers": 0, "failedAllocations": 0, "faithful": true (null with
 *   --no-compare or a generated trace), "ops": { "m": { "calls", "nsPerCall" }, ... },
 *   "wallSeconds": 1.25, "nsPerCall": 375 }
 * </pre>
 * nsPerCall is the replayer's own figure: the calls alone, each timed with clock_gettime, without
 * reading and parsing the trace (wallSeconds includes those).
 */
@Command(name = "native", mixinStandardHelpOptions = true,
        description = "Replay a trace against the real glibc (mallocsim-replay) and compare its answers.")
public final class NativeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TRACE", description = "trace in the reference text format (plain or .zst)")
    Path trace;

    @Option(names = "--emit", paramLabel = "FILE", description = "write glibc's answers here (reference format)")
    Path emit;

    @Option(names = "--touch", paramLabel = "MODE", defaultValue = "none",
            description = "write into each new block: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    NativeReplayer.Touch touch;

    @Option(names = "--no-compare", description = "skip comparing the answers with the recorded ones")
    boolean noCompare;

    @Option(names = "--json", description = "print one JSON object instead of the report")
    boolean json;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isReadable(trace)) {
            err.println("mallocsim native: cannot read " + trace);
            return 2;
        }
        Path answers = emit;
        try {
            if (answers == null) {
                answers = Files.createTempFile("mallocsim-native-", ".mrec");
                answers.toFile().deleteOnExit();
            }
            NativeReplayer.Result r = NativeReplayer.replay(trace, answers, touch);
            if (json) {
                Boolean faithful = noCompare || isGenerated(trace) ? null
                        : FidelityReport.compare(ReferenceTrace.read(trace), ReferenceTrace.read(answers)).faithful();
                out.print(json(r, faithful));
                out.flush();
                return faithful == null || faithful ? 0 : 1;
            }
            out.printf("calls: %d (%d threads), wall %.1f ms, %d ns/call%n", r.stat("calls"), r.stat("threads"),
                    r.stat("wall-ns") / 1e6, r.stat("ns-per-call"));
            for (Map.Entry<Character, long[]> e : r.nsPerCallByOp().entrySet()) {
                out.printf("  %s: %d calls, %d ns/call%n", e.getKey(), e.getValue()[0], e.getValue()[1]);
            }
            if (r.stat("unknown-pointers") > 0) {
                out.printf("skipped: %d frees/reallocs of pointers the trace never returned%n", r.stat("unknown-pointers"));
            }
            if (emit != null) {
                out.println("answers: " + emit);
            }
            if (noCompare) {
                return 0;
            }
            if (isGenerated(trace)) {
                out.println("a generated trace holds no recorded answers: glibc's answers above are the ground truth"
                        + (emit == null ? " (keep them with --emit FILE)" : ""));
                return 0;
            }
            FidelityReport report = FidelityReport.compare(ReferenceTrace.read(trace), ReferenceTrace.read(answers));
            out.println(report.faithful() ? "answers match the recorded ones:" : "answers differ from the recorded ones:");
            report.lines().forEach(l -> out.println("  " + l));
            return report.faithful() ? 0 : 1;
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            err.println("mallocsim native: " + e.getMessage());
            return 2;
        }
    }

    /** The --json object (see the class comment); fields in a fixed order, {@code \n} line ends. */
    private String json(NativeReplayer.Result r, Boolean faithful) {
        StringBuilder sb = new StringBuilder(512).append("{\n");
        sb.append("  \"trace\": \"").append(jsonEscape(String.valueOf(trace.getFileName()))).append("\",\n");
        sb.append("  \"allocator\": \"native glibc\",\n");
        sb.append("  \"touch\": \"").append(touch.name().toLowerCase(Locale.ROOT)).append("\",\n");
        for (String[] f : new String[][] {{"calls", "calls"}, {"threads", "threads"},
                {"unknownPointers", "unknown-pointers"}, {"failedAllocations", "failed-allocations"}}) {
            sb.append("  \"").append(f[0]).append("\": ").append(r.stat(f[1])).append(",\n");
        }
        sb.append("  \"faithful\": ").append(faithful).append(",\n");
        sb.append("  \"ops\": {");
        String sep = "\n";
        for (Map.Entry<Character, long[]> e : r.nsPerCallByOp().entrySet()) {
            sb.append(sep).append("    \"").append(e.getKey()).append("\": { \"calls\": ").append(e.getValue()[0])
                    .append(", \"nsPerCall\": ").append(e.getValue()[1]).append(" }");
            sep = ",\n";
        }
        sb.append(sep.equals("\n") ? "},\n" : "\n  },\n");
        sb.append("  \"wallSeconds\": ").append(String.format(Locale.ROOT, "%.6f", r.stat("wall-ns") / 1e9)).append(",\n");
        sb.append("  \"nsPerCall\": ").append(r.stat("ns-per-call")).append("\n}\n");
        return sb.toString();
    }

    private static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int k = 0; k < s.length(); k++) {
            char ch = s.charAt(k);
            if (ch == '"' || ch == '\\') {
                sb.append('\\').append(ch);
            } else if (ch < 0x20) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    /** True for a trace made by {@code mallocsim generate}, whose results are pointer tokens. */
    private static boolean isGenerated(Path trace) throws IOException {
        try (TraceReader r = Traces.open(trace)) {
            return r.header().extraKeyValues.contains("generated");
        }
    }

    /** Runs the command on its own (for manual use; {@code Main} registers it as a subcommand). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new NativeCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}
