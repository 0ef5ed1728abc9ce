package org.mallocsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.concurrent.Callable;
import org.mallocsim.replay.ReplayEngine;
import org.mallocsim.replay.ReplayJson;
import org.mallocsim.replay.ReplayOptions;
import org.mallocsim.replay.ReplayReport;
import org.mallocsim.replay.ReplayResult;
import org.mallocsim.replay.ReplayText;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.io.Json;
import org.mallocsim.traces.io.OutputFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mallocsim demo}: the main job on bundled data. It replays a real program's trace (grep,
 * recorded on Linux with glibc 2.36, {@code traces/grep.mrec.zst}) against the emulated process
 * with glibc's malloc, prints the replay's summary as {@code replay} does and the comparison with
 * glibc's recorded answers as {@code compare} does, writes the HTML report (through
 * {@link OutputFile}) and says where it is and how to open it. {@code --tour} walks through the
 * emulated kernel instead ({@link DemoTour}).
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Replays a bundled real trace with glibc's malloc, compares every answer with glibc's "
                + "and writes the HTML report; --tour walks through the emulated kernel instead.")
public final class DemoCommand implements Callable<Integer> {
    /** The trace the demo replays: short enough for a second or two, real enough to show a heap. */
    static final String DEFAULT_TRACE = "grep.mrec.zst";

    @Option(
            names = "--out",
            paramLabel = "FILE",
            defaultValue = "mallocsim-demo.html",
            description = "where to write the report (default: ${DEFAULT-VALUE} in the current directory)")
    Path out;

    @Option(
            names = "--trace",
            paramLabel = "TRACE",
            description = "replay this trace instead of the bundled traces/" + DEFAULT_TRACE)
    Path trace;

    @Option(
            names = "--tour",
            description =
                    "walk through the emulated kernel instead: a malloc's brk, VMA, page faults, page-table entries")
    boolean tour;

    @Option(
            names = "--json",
            description = "print one JSON object instead: the replay as replay --json gives it, whether it was "
                    + "faithful, and the report's path")
    boolean json;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (tour) {
            return new DemoTour(System.out).run();
        }
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Path input = trace != null ? trace : bundledTrace(DEFAULT_TRACE);
            Main.checkReadable(input);
            OutputFile.check(out, input); // before the replay: never over the trace
            long recordedStartBrk;
            try (TraceReader r = Traces.open(input)) {
                if (!ReplayEngine.hasRecordedAnswers(r.header())) {
                    throw new IllegalArgumentException(
                            input + ": the demo needs a recorded trace with glibc's answers to compare with");
                }
                recordedStartBrk = r.header().startBrk;
            }
            if (!json) {
                o.println(
                        "mallocsim demo: " + input + " replayed against the emulated process with glibc 2.36's malloc");
                o.println();
                o.flush();
            }
            ReplayResult r;
            Divergence divergence;
            try (Progress bar = Progress.start("replay " + input.getFileName(), "calls", -1)) {
                divergence = new Divergence(bar::stepTo);
                r = ReplayEngine.replay(input, ReplayOptions.of("glibc").withHeapMaps(true), divergence);
            }
            CompareReport fidelity = new CompareReport(r, recordedStartBrk, false, divergence);
            ReplayReport.write(r, out, input);
            Path shown = out.toAbsolutePath().normalize();
            if (json) {
                o.println(new Json.Obj()
                        .raw("replay", ReplayJson.render(r, true).strip())
                        .put("faithful", fidelity.faithful())
                        .put("report", shown.toString()));
                o.flush();
                return fidelity.faithful() ? 0 : 1;
            }
            o.print(ReplayText.render(r));
            o.println();
            o.print(fidelity.text());
            o.println();
            o.println("report: " + shown);
            o.println(
                    "open it in a browser (it needs no network): xdg-open " + shown + "   (macOS: open " + shown + ")");
            o.println("the same for any trace: ./mallocsim replay TRACE --report FILE.html;"
                    + " the kernel tour: ./mallocsim demo --tour");
            o.flush();
            return fidelity.faithful() ? 0 : 1;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            err.println("mallocsim demo: " + Main.describe(e));
            err.flush();
        }
        return Main.FAILED;
    }

    /**
     * A bundled trace: {@code traces/NAME} in the source tree, found above the current directory or
     * above this jar ({@code cli/target/mallocsim.jar} in a clone).
     */
    static Path bundledTrace(String name) throws IOException {
        for (Path start : new Path[] {Path.of("").toAbsolutePath(), codeLocation()}) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                Path t = dir.resolve("traces").resolve(name);
                if (Files.isRegularFile(t)) {
                    return t;
                }
            }
        }
        throw new IOException("traces/" + name + ": not found above the current directory or the mallocsim jar "
                + "(the demo runs in a clone of the repository; --trace FILE names another trace)");
    }

    private static Path codeLocation() {
        CodeSource src = DemoCommand.class.getProtectionDomain().getCodeSource();
        try {
            return src == null ? null : Path.of(src.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null; // not a file: only the current directory is searched
        }
    }
}
