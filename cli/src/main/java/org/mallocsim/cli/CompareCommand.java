package org.mallocsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mallocsim.replay.ReplayEngine;
import org.mallocsim.replay.ReplayOptions;
import org.mallocsim.replay.ReplayResult;
import org.mallocsim.traces.format.TraceHeader;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mallocsim compare TRACE [--allocator glibc] [--tunable NAME=VALUE]... [--json]}: replays
 * a recorded trace against the emulated process and holds every answer against glibc's recorded
 * one ({@link org.mallocsim.traces.natives.FidelityReport}). Prints the fidelity of each class and,
 * at the first divergence, the call, both answers and the emulated heap around it. Exit code 0
 * when faithful, 1 on any difference (or when the emulated process died), 2 on an error.
 */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = "Replay a recorded trace and compare every answer with glibc's recorded one.")
public final class CompareCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "TRACE",
            description = "a trace recorded with glibc's answers (mrec or mrecb, plain, .zst or .gz)")
    Path trace;

    @Mixin
    PolicyOptions policy;

    @Option(names = "--json", description = "print one JSON object instead of the report")
    boolean json;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Main.checkReadable(trace);
            ReplayOptions options = policy.options();
            TraceHeader header;
            try (TraceReader r = Traces.open(trace)) {
                header = r.header();
            }
            if (!ReplayEngine.hasRecordedAnswers(header)) {
                throw new IllegalArgumentException(trace + ": " + whyNoAnswers(header));
            }
            ReplayResult r;
            Divergence divergence;
            try (Progress p = Progress.start("comparing " + trace.getFileName(), "calls", -1)) {
                divergence = new Divergence(p::stepTo);
                r = ReplayEngine.replay(trace, options, divergence);
            }
            CompareReport report = new CompareReport(r, header.startBrk, isBinary(trace), divergence);
            out.print(json ? report.json() : report.text());
            out.flush();
            return report.faithful() ? 0 : 1;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            err.println("mallocsim compare: " + Main.describe(e));
            err.flush();
        }
        return Main.FAILED;
    }

    /** A generated trace holds placeholders, an import lacks chunk words and breaks: nothing to compare with. */
    private static String whyNoAnswers(TraceHeader h) {
        if (h.generated()) {
            return "a generated trace holds no recorded answers to compare with "
                    + "(run it through 'mallocsim native --emit' first to get glibc's)";
        }
        if (h.importedFrom() != null) {
            return "an import from " + h.importedFrom() + " holds no recorded answers to compare with "
                    + "(no chunk words, no program break)";
        }
        return "the trace holds no recorded answers to compare with (its header names no start-brk)";
    }

    /**
     * Whether positions in the trace are mrecb record numbers rather than text line numbers: by
     * name, as mallocsim names its binary traces ({@code .mrecb}, {@code .mrecb.zst}).
     */
    private static boolean isBinary(Path trace) {
        return trace.getFileName().toString().contains(".mrecb");
    }
}
