package org.mallocsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mallocsim.kernel.mm.SyscallKind;
import org.mallocsim.replay.sweep.Advisor;
import org.mallocsim.replay.sweep.Sweep;
import org.mallocsim.replay.sweep.SweepRow;
import org.mallocsim.replay.sweep.SweepSettings;
import org.mallocsim.traces.io.Json;
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

    @Option(
            names = "--json",
            description = "print one JSON object: the baseline, the candidates with their predicted figures "
                    + "and, with --verify, the measured figures and verdicts")
    boolean json;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Main.checkReadable(trace);
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
            Verification v = verify ? verify(a, settings) : null;
            if (json) {
                out.println(json(a, v));
            } else {
                text(out, a, v);
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
        if (ranked.isEmpty()) {
            out.printf(
                    Locale.ROOT,
                    "  none: no tunable of the grid, alone or with the others that helped, does better than the"
                            + " defaults%n");
            return;
        }
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

    /** The measured side of {@code --verify}: the baseline and each goal's best candidate. */
    private record Verification(long baseRss, long[] baseSys, long tolerance, List<Verified> picks) {}

    /**
     * One candidate on the real glibc: {@code sameAs} is set when it is the other goal's pick,
     * which is then not measured twice.
     */
    private record Verified(String goal, SweepRow row, boolean sameAs, long predicted, long measured, long[] sys) {}

    /**
     * The best candidate for peak RSS and the best for syscalls on the real glibc, against the
     * baseline measured the same way: the change of peak RSS (median of {@link Advisor#RUNS}
     * runs) and every kind of memory syscall (strace). A goal no candidate serves has no pick.
     */
    private Verification verify(Advisor.Advice a, SweepSettings settings) throws IOException {
        SweepRow b = a.baseline();
        long baseRss = Advisor.measuredPeakRss(trace, settings, "");
        long[] baseSys = Advisor.measuredSyscalls(trace, settings, "");
        long tolerance = Advisor.syscallTolerance(Advisor.threads(trace));
        String[] goals = {"best for peak RSS", "best for syscalls"};
        SweepRow[] picks = {first(a.byPeakRss()), first(a.bySyscalls())};
        List<Verified> out = new ArrayList<>();
        for (int g = 0; g < picks.length; g++) {
            SweepRow c = picks[g];
            if (c == null) {
                continue;
            }
            if (g == 1 && picks[0] != null && c.tunables().equals(picks[0].tunables())) {
                out.add(new Verified(goals[g], c, true, 0, 0, null));
                continue;
            }
            long measured = Advisor.measuredPeakRss(trace, settings, c.tunables()) - baseRss;
            long predicted = c.peakRssBytes() - b.peakRssBytes();
            long[] sys = Advisor.measuredSyscalls(trace, settings, c.tunables());
            out.add(new Verified(goals[g], c, false, predicted, measured, sys));
        }
        return new Verification(baseRss, baseSys, tolerance, out);
    }

    private static SweepRow first(List<SweepRow> ranked) {
        return ranked.isEmpty() ? null : ranked.get(0);
    }

    private static boolean syscallsAgree(SweepRow b, Verification v, Verified c) {
        return Advisor.syscallsAgree(b.syscalls(), v.baseSys(), v.tolerance())
                && Advisor.syscallsAgree(c.row().syscalls(), c.sys(), v.tolerance());
    }

    private void text(PrintWriter out, Advisor.Advice a, Verification v) {
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
        if (v == null) {
            return;
        }
        long tolerance = v.tolerance();
        out.printf(
                Locale.ROOT,
                "%nverified on the real glibc (mallocsim-replay): peak RSS is the largest resident set "
                        + "before any call that can give memory back, median of %d runs; agrees in sign and "
                        + "within %s or a quarter of the measured change; syscalls are counted with strace -f "
                        + "during the calls and %s%n",
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
                kib(v.baseRss()),
                sum(v.baseSys()));
        if (a.byPeakRss().isEmpty()) {
            out.printf(Locale.ROOT, "%n  best for peak RSS: no candidate cuts it; nothing to measure%n");
        }
        if (a.bySyscalls().isEmpty()) {
            out.printf(Locale.ROOT, "%n  best for syscalls: no candidate cuts them; nothing to measure%n");
        }
        for (Verified c : v.picks()) {
            if (c.sameAs()) {
                out.printf(Locale.ROOT, "%n  %s: the same candidate%n", c.goal());
                continue;
            }
            out.printf(Locale.ROOT, "%n  %s: %s%n", c.goal(), c.row().tunables());
            out.printf(
                    Locale.ROOT,
                    "    peak RSS change  predicted %s, measured %s: %s%n",
                    signedKib(c.predicted()),
                    signedKib(c.measured()),
                    Advisor.agrees(c.predicted(), c.measured()) ? "agrees" : "DISAGREES");
            out.printf(Locale.ROOT, "    %-9s %22s %22s%n", "syscall", "predicted", "measured");
            for (SyscallKind k : SyscallKind.values()) {
                int i = k.ordinal();
                out.printf(
                        Locale.ROOT,
                        "    %-9s %22s %22s%n",
                        k.name().toLowerCase(Locale.ROOT),
                        b.syscalls()[i] + " -> " + c.row().syscalls()[i],
                        v.baseSys()[i] + " -> " + c.sys()[i]);
            }
            out.printf(
                    Locale.ROOT,
                    "    syscalls %s -> %s predicted, %s -> %s measured: %s%n",
                    b.totalSyscalls(),
                    c.row().totalSyscalls(),
                    sum(v.baseSys()),
                    sum(c.sys()),
                    syscallsAgree(b, v, c) ? (tolerance == 0 ? "agree exactly" : "agree") : "DISAGREE");
        }
    }

    /** What {@link #text} prints, as one JSON object with bytes and counts in place of rounded KiB. */
    private String json(Advisor.Advice a, Verification v) {
        SweepRow b = a.baseline();
        Json.Obj o = new Json.Obj()
                .put("trace", b.trace())
                .put("calls", b.calls())
                .raw("baseline", candidate(b))
                .raw("byPeakRss", candidates(a.byPeakRss()))
                .raw("bySyscalls", candidates(a.bySyscalls()));
        if (v == null) {
            return o.raw("verify", "null").toString();
        }
        List<String> picks = new ArrayList<>();
        for (Verified c : v.picks()) {
            Json.Obj p =
                    new Json.Obj().put("goal", c.goal()).put("tunables", c.row().tunables());
            if (c.sameAs()) {
                picks.add(p.put("sameCandidate", true).toString());
                continue;
            }
            p.put("sameCandidate", false)
                    .put("predictedPeakRssChangeBytes", c.predicted())
                    .put("measuredPeakRssChangeBytes", c.measured())
                    .put("peakRssAgrees", Advisor.agrees(c.predicted(), c.measured()))
                    .raw("predictedSyscalls", syscalls(c.row().syscalls()))
                    .raw("measuredSyscalls", syscalls(c.sys()))
                    .put("syscallsAgree", syscallsAgree(b, v, c));
            picks.add(p.toString());
        }
        return o.raw(
                        "verify",
                        new Json.Obj()
                                .put("runs", Advisor.RUNS)
                                .put("toleranceBytes", Advisor.TOLERANCE_BYTES)
                                .put("syscallTolerance", v.tolerance())
                                .put("baselineMeasuredPeakRssBytes", v.baseRss())
                                .raw("baselineMeasuredSyscalls", syscalls(v.baseSys()))
                                .raw("candidates", Json.array(picks))
                                .toString())
                .toString();
    }

    private String candidates(List<SweepRow> ranked) {
        List<String> l = new ArrayList<>();
        for (SweepRow r : ranked.subList(0, Math.min(top, ranked.size()))) {
            l.add(candidate(r));
        }
        return Json.array(l);
    }

    private static String candidate(SweepRow r) {
        return new Json.Obj()
                .put("tunables", r.tunables())
                .put("peakRssBytes", r.peakRssBytes())
                .put("syscalls", r.totalSyscalls())
                .raw("syscallsByKind", syscalls(r.syscalls()))
                .toString();
    }

    private static String syscalls(long[] counts) {
        Json.Obj o = new Json.Obj();
        for (SyscallKind k : SyscallKind.values()) {
            o.put(k.name().toLowerCase(Locale.ROOT), counts[k.ordinal()]);
        }
        return o.toString();
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
