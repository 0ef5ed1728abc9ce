package org.mallocsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mallocsim.replay.ReplayEngine;
import org.mallocsim.replay.ReplayJson;
import org.mallocsim.replay.ReplayListener;
import org.mallocsim.replay.ReplayOptions;
import org.mallocsim.replay.ReplayReport;
import org.mallocsim.replay.ReplayResult;
import org.mallocsim.replay.ReplayText;
import org.mallocsim.traces.io.OutputFile;
import org.mallocsim.traces.natives.NativeReplayer.Touch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mallocsim replay TRACE [--allocator NAME] [--emit FILE] [--json] [--touch MODE] [--tunable T]...
 * [--layout recorded|clean] [--report FILE.html]}: replays
 * a trace against an emulated process with the chosen allocation policy and reports what it cost
 * the process and how its answers compare with the recorded ones. Exit code 0 when the process
 * ran to the end of the trace, 1 when it died (abort, fault, OOM kill), 2 on an error.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = "Replay a trace against the emulated process with an allocator policy.")
public final class ReplayCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "TRACE",
            description = "a trace in any format mallocsim reads (plain, .zst or .gz)")
    Path trace;

    @Mixin
    PolicyOptions policy;

    @Mixin
    LayoutOption layout;

    @Option(
            names = "--emit",
            paramLabel = "FILE",
            description = "write the emulated answers here (reference format; .zst compresses, .mrecb is binary)")
    Path emit;

    @Option(names = "--json", description = "print one JSON object instead of the report")
    boolean json;

    @Option(names = "--no-timing", description = "leave the machine-dependent timing fields out of the JSON")
    boolean noTiming;

    @Option(
            names = "--touch",
            paramLabel = "MODE",
            defaultValue = "none",
            description = "write into each new block: none, first, pages or bytes (default: ${DEFAULT-VALUE})")
    String touch;

    @Option(
            names = "--report",
            paramLabel = "FILE.html",
            description = "write a self-contained HTML report: charts over the calls, heap maps, where the RSS goes")
    Path report;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Main.checkReadable(trace);
            ReplayOptions checked = policy.options();
            if (report != null) {
                OutputFile.check(report, trace); // before the replay, not after minutes of it
                if (emit != null
                        && emit.toAbsolutePath()
                                .normalize()
                                .equals(report.toAbsolutePath().normalize())) {
                    throw new IllegalArgumentException("--report and --emit name the same file " + report);
                }
            }
            ReplayOptions options = checked.withTouch(parseTouch(touch))
                    .withEmit(emit)
                    .withCleanLayout(layout.clean())
                    .withHeapMaps(report != null);
            ReplayResult r;
            try (Progress bar = Progress.start("replay " + trace.getFileName(), "calls", -1)) {
                r = ReplayEngine.replay(trace, options, new ReplayListener() {
                    @Override
                    public void progress(long calls) {
                        bar.stepTo(calls);
                    }
                });
            }
            if (report != null) {
                ReplayReport.write(r, report, trace);
            }
            if (json) {
                out.print(ReplayJson.render(r, !noTiming));
            } else {
                out.print(ReplayText.render(r));
                if (emit != null) {
                    out.println("answers: " + emit);
                }
                if (report != null) {
                    out.println("report: " + report);
                }
            }
            out.flush();
            return r.completed() ? 0 : 1;
        } catch (NoSuchFileException | AccessDeniedException e) {
            err.println("mallocsim replay: " + e.getFile() + ": "
                    + (e instanceof NoSuchFileException ? "no such file or directory" : "permission denied"));
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            err.println("mallocsim replay: " + Main.describe(e));
        }
        return 2;
    }

    /** none, first, pages, bytes (page and byte as the native replayer spells them). */
    static Touch parseTouch(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "none":
                return Touch.NONE;
            case "first":
                return Touch.FIRST;
            case "page":
            case "pages":
                return Touch.PAGE;
            case "byte":
            case "bytes":
                return Touch.BYTE;
            default:
                throw new IllegalArgumentException("--touch: expected none, first, pages or bytes, not '" + s + "'");
        }
    }
}
