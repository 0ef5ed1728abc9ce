package org.mallocsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mallocsim.kernel.mm.SyscallKind;
import org.mallocsim.replay.sweep.Advisor;
import org.mallocsim.replay.sweep.Sweep;
import org.mallocsim.replay.sweep.SweepRow;
import org.mallocsim.replay.sweep.SweepSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mallocsim advise TRACE [--verify]}: which glibc tunables would cut the program's peak RSS
 * or its syscalls the most, predicted by replaying the trace on the emulated glibc over a grid of
 * settings; {@code --verify} replays the best ones on the real glibc and prints the measured
 * change of peak RSS beside the predicted one.
 */
@Command(
        name = "advise",
        mixinStandardHelpOptions = true,
        description = "Suggest glibc tunables that cut a program's peak RSS or syscalls, with predicted figures.")
public final class AdviseCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TRACE", description = "a trace in any format mallocsim reads")
    Path trace;

    @Option(
            names = "--top",
            paramLabel = "N",
            defaultValue = "5",
            description = "candidates shown per goal (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--verify", description = "re-run the best candidates on the real glibc and compare")
    boolean verify;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "0",
            description = "replays at once (default: the cores)")
    int threads;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (!Files.isRegularFile(trace) || !Files.isReadable(trace)) {
                throw new IOException(
                        trace + ": cannot read " + (Files.exists(trace) ? "(not a readable file)" : "(no such file)"));
            }
            if (top < 1) {
                throw new IllegalArgumentException("--top: at least 1, not " + top);
            }
            SweepSettings settings = SweepSettings.defaults();
            Advisor.Advice a;
            try (Progress bar = Progress.start("advise", "replays", -1)) {
                a = Advisor.advise(trace, settings, Sweep.threads(threads, 64, settings), n -> {
                    synchronized (bar) {
                        bar.stepTo(n);
                    }
                });
            }
            SweepRow b = a.baseline();
            out.printf(
                    Locale.ROOT,
                    "%s: %d calls; with glibc's defaults: peak RSS %s, %d syscalls%n",
                    b.trace(),
                    b.calls(),
                    kib(b.peakRssBytes()),
                    b.totalSyscalls());
            out.printf(Locale.ROOT, "%nto cut peak RSS (predicted, emulated glibc 2.36, pages touched):%n");
            table(out, a.byPeakRss(), b);
            out.printf(Locale.ROOT, "%nto cut syscalls:%n");
            table(out, a.bySyscalls(), b);
            if (verify) {
                verify(out, a, settings);
            }
            out.flush();
            return 0;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            err.println("mallocsim advise: " + Main.describe(e));
            err.flush();
            return Main.FAILED;
        }
    }

    private void table(PrintWriter out, List<SweepRow> ranked, SweepRow b) {
        out.printf(
                Locale.ROOT,
                "  %-62s %12s %8s %9s %8s%n",
                "GLIBC_TUNABLES",
                "peak RSS",
                "change",
                "syscalls",
                "change");
        for (SweepRow r : ranked.subList(0, Math.min(top, ranked.size()))) {
            out.printf(
                    Locale.ROOT,
                    "  %-62s %12s %8s %9d %8s%n",
                    r.tunables(),
                    kib(r.peakRssBytes()),
                    pct(r.peakRssBytes(), b.peakRssBytes()),
                    r.totalSyscalls(),
                    pct(r.totalSyscalls(), b.totalSyscalls()));
        }
    }

    /**
     * The best candidate for peak RSS and the best for syscalls on the real glibc, against the
     * baseline measured the same way: the change of peak RSS (median of {@link Advisor#RUNS}
     * runs) and every kind of memory syscall (strace), each beside its prediction.
     */
    private void verify(PrintWriter out, Advisor.Advice a, SweepSettings settings) throws IOException {
        SweepRow b = a.baseline();
        long baseRss = Advisor.measuredPeakRss(trace, settings, "");
        long[] baseSys = Advisor.measuredSyscalls(trace, settings, "");
        long tolerance = Advisor.syscallTolerance(Advisor.threads(trace));
        out.printf(
                Locale.ROOT,
                "%nverified on the real glibc (mallocsim-replay): peak RSS is VmHWM during the calls, median of %d "
                        + "runs; agrees in sign and within %s or a quarter of the measured change; syscalls are "
                        + "counted with strace -f during the calls and %s%n",
                Advisor.RUNS,
                kib(Advisor.TOLERANCE_BYTES),
                tolerance == 0
                        ? "must match exactly (one thread)"
                        : "agree when each kind is within " + tolerance + " (one per thread beyond the first)");
        out.printf(
                Locale.ROOT,
                "  baseline (no tunable added): predicted peak RSS %s, %d syscalls; measured %s above the start, "
                        + "%d syscalls%n",
                kib(b.peakRssBytes()),
                b.totalSyscalls(),
                kib(baseRss),
                sum(baseSys));
        String[] goals = {"best for peak RSS", "best for syscalls"};
        SweepRow[] picks = {a.byPeakRss().get(0), a.bySyscalls().get(0)};
        for (int g = 0; g < picks.length; g++) {
            SweepRow c = picks[g];
            if (g == 1 && c.tunables().equals(picks[0].tunables())) {
                out.printf(Locale.ROOT, "%n  %s: the same candidate%n", goals[g]);
                continue;
            }
            long measured = Advisor.measuredPeakRss(trace, settings, c.tunables()) - baseRss;
            long predicted = c.peakRssBytes() - b.peakRssBytes();
            long[] sys = Advisor.measuredSyscalls(trace, settings, c.tunables());
            out.printf(Locale.ROOT, "%n  %s: %s%n", goals[g], c.tunables());
            out.printf(
                    Locale.ROOT,
                    "    peak RSS change  predicted %s, measured %s: %s%n",
                    signedKib(predicted),
                    signedKib(measured),
                    Advisor.agrees(predicted, measured) ? "agrees" : "DISAGREES");
            out.printf(Locale.ROOT, "    %-9s %22s %22s%n", "syscall", "predicted", "measured");
            for (SyscallKind k : SyscallKind.values()) {
                int i = k.ordinal();
                out.printf(
                        Locale.ROOT,
                        "    %-9s %22s %22s%n",
                        k.name().toLowerCase(Locale.ROOT),
                        b.syscalls()[i] + " -> " + c.syscalls()[i],
                        baseSys[i] + " -> " + sys[i]);
            }
            boolean agree = Advisor.syscallsAgree(b.syscalls(), baseSys, tolerance)
                    && Advisor.syscallsAgree(c.syscalls(), sys, tolerance);
            out.printf(
                    Locale.ROOT,
                    "    syscalls %s -> %s predicted, %s -> %s measured: %s%n",
                    b.totalSyscalls(),
                    c.totalSyscalls(),
                    sum(baseSys),
                    sum(sys),
                    agree ? (tolerance == 0 ? "agree exactly" : "agree") : "DISAGREE");
        }
    }

    private static long sum(long[] a) {
        long n = 0;
        for (long v : a) {
            n += v;
        }
        return n;
    }

    private static String kib(long bytes) {
        return String.format(Locale.ROOT, "%,d KiB", (bytes + 1023) / 1024);
    }

    private static String signedKib(long bytes) {
        return String.format(Locale.ROOT, "%+,d KiB", bytes / 1024);
    }

    private static String pct(long v, long base) {
        return base == 0 ? "-" : String.format(Locale.ROOT, "%+.1f%%", 100.0 * (v - base) / base);
    }
}
