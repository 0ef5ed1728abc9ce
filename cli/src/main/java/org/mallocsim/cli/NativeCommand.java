package org.mallocsim.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mallocsim.traces.format.TraceHeader;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.io.OutputFile;
import org.mallocsim.traces.natives.FidelityReport;
import org.mallocsim.traces.natives.NativeReplayer;
import org.mallocsim.traces.natives.TraceComparison;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mallocsim native TRACE [--emit FILE] [--touch MODE] [--json]}: replays a trace against
 * this machine's real glibc in a fresh process and reports the cost per call and whether glibc's
 * answers equal the recorded ones. The trace is checked in full before the first call is
 * replayed; the comparison streams both traces, so it needs no more memory for a long trace.
 */
@Command(
        name = "native",
        mixinStandardHelpOptions = true,
        description = "Replay a trace against the real glibc (mallocsim-replay) and compare its answers.")
public final class NativeCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "TRACE",
            description = "trace in any format mallocsim reads (mrec, mrecb, mtrace, heaptrack; plain or compressed)")
    Path trace;

    @Option(
            names = "--emit",
            paramLabel = "FILE",
            description = "write glibc's answers here (reference format; zstd when FILE ends in .zst)")
    Path emit;

    @Option(
            names = "--touch",
            paramLabel = "MODE",
            defaultValue = "none",
            description = "write into each new block: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    NativeReplayer.Touch touch;

    @Option(names = "--no-compare", description = "skip comparing the answers with the recorded ones")
    boolean noCompare;

    @Option(names = "--json", description = "print the statistics and the comparison as one JSON object")
    boolean json;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        TraceHeader header = header(trace);
        OutputFile file = emit == null ? null : OutputFile.create(emit, trace);
        // The replayer writes plain text; it goes straight into place unless it is to be compressed.
        boolean direct = file != null && !file.compressed();
        Path raw = direct ? file.temp() : Files.createTempFile("mallocsim-native-", ".mrec");
        try {
            NativeReplayer.Result r;
            try (Progress p = Progress.start("replaying " + trace.getFileName(), "events sent", -1)) {
                r = NativeReplayer.replay(trace, raw, touch, p::stepTo);
            }
            if (file != null) {
                if (!direct) {
                    try (InputStream in = Files.newInputStream(raw)) {
                        in.transferTo(file.open());
                    } catch (IOException e) {
                        throw OutputFile.failure(emit, e);
                    }
                }
                file.commit();
            }
            NativeReport report = new NativeReport(trace, emit, r);
            if (noCompare) {
                report.noComparison(null);
            } else if (!header.hasRecordedAnswers()) {
                report.noComparison(whyNoAnswers(header));
            } else {
                try (Progress p = Progress.start("comparing", "calls", r.stat("calls"))) {
                    report.compared(TraceComparison.compare(trace, direct ? emit : raw, p::stepTo));
                }
            }
            if (json) {
                out.println(report.json());
            } else {
                report.text(out);
            }
            out.flush();
            FidelityReport f = report.comparison();
            return f == null || f.faithful() ? 0 : 1;
        } finally {
            if (file != null) {
                file.close();
            }
            if (!direct) {
                Files.deleteIfExists(raw);
            }
        }
    }

    /** Reads the header only: whether there are answers to compare, before the replay starts. */
    private static TraceHeader header(Path trace) throws IOException {
        try (TraceReader r = Traces.open(trace)) {
            return r.header();
        }
    }

    private static String whyNoAnswers(TraceHeader h) {
        if (h.generated()) {
            return "a generated trace holds no recorded answers: glibc's answers above are the ground truth";
        }
        return "an import from " + h.importedFrom() + " holds no recorded answers (no chunk words, no program "
                + "break): glibc's answers above are the ground truth";
    }
}
