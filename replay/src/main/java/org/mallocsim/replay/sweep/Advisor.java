package org.mallocsim.replay.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.ToLongFunction;
import org.mallocsim.kernel.mm.SyscallKind;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.natives.NativeReplayer;
import org.mallocsim.traces.natives.NativeSyscalls;

/**
 * Which glibc tunables would cut a program's peak RSS or syscalls the most: the trace is replayed
 * on the emulated glibc with each tunable people change in production set, one at a time, over a
 * grid of values; then the best value of every tunable that helped is combined into one more
 * candidate (per goal). The emulated ptmalloc answers exactly as glibc 2.36 does, so the
 * predicted figures are the real process's, as far as its pages and syscalls follow from its
 * allocator calls (see {@link #verify}).
 */
public final class Advisor {
    private Advisor() {}

    /** The grid: values around each default (mallopt(3), malloc/malloc.c and elf/dl-tunables.list). */
    static final Map<String, long[]> GRID = new LinkedHashMap<>();

    static {
        GRID.put("arena_max", new long[] {1, 2});
        GRID.put("mmap_threshold", new long[] {16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20});
        GRID.put("trim_threshold", new long[] {0, 16 << 10, 1 << 20, 16 << 20});
        GRID.put("top_pad", new long[] {0, 16 << 10, 1 << 20});
        GRID.put("tcache_count", new long[] {0, 16, 64});
        GRID.put("tcache_max", new long[] {0, 256, 4096});
        GRID.put("mxfast", new long[] {0, 32, 160});
    }

    /**
     * What the search found.
     *
     * @param baseline   the trace as recorded (its own tunables, none added)
     * @param candidates every candidate that ran to the end, in search order
     * @param byPeakRss  the candidates whose peak RSS is below the baseline's, ranked by peak RSS,
     *                   then syscalls (empty when none is: then there is nothing to advise)
     * @param bySyscalls the candidates that make fewer syscalls than the baseline, ranked by
     *                   syscalls, then peak RSS
     */
    public record Advice(
            SweepRow baseline, List<SweepRow> candidates, List<SweepRow> byPeakRss, List<SweepRow> bySyscalls) {}

    /** The first round's cells: the baseline, then each tunable's values alone. */
    static List<SweepCell> grid(String trace) {
        List<SweepCell> cells = new ArrayList<>();
        cells.add(new SweepCell(0, trace, "glibc", Map.of()));
        for (Map.Entry<String, long[]> e : GRID.entrySet()) {
            for (long v : e.getValue()) {
                cells.add(new SweepCell(
                        cells.size(), trace, "glibc", Map.of("glibc.malloc." + e.getKey(), Long.toString(v))));
            }
        }
        return cells;
    }

    /** Searches the grid for {@code trace} on {@code threads} threads; {@code done} counts replays. */
    public static Advice advise(Path trace, SweepSettings settings, int threads, IntConsumer done) throws IOException {
        List<SweepRow> rows = new ArrayList<>(Sweep.run(grid(trace.toString()), settings, threads, done));
        SweepRow baseline = rows.get(0);
        if (!baseline.outcome().equals("ok")) {
            throw new IOException(trace + ": the process dies (" + baseline.outcome() + ") with glibc's defaults; "
                    + "nothing to advise");
        }
        List<SweepCell> combos = new ArrayList<>();
        addCombination(combos, trace, rows, baseline, SweepRow::peakRssBytes);
        addCombination(combos, trace, rows, baseline, SweepRow::totalSyscalls);
        if (!combos.isEmpty()) {
            int offset = rows.size();
            List<SweepCell> renumbered = new ArrayList<>();
            for (SweepCell c : combos) {
                renumbered.add(new SweepCell(offset + renumbered.size(), c.trace(), c.policy(), c.tunables()));
            }
            rows.addAll(Sweep.run(
                    renumbered, settings, Math.min(threads, renumbered.size()), n -> done.accept(offset + n)));
        }
        List<SweepRow> ok = new ArrayList<>();
        for (SweepRow r : rows.subList(1, rows.size())) {
            if (r.outcome().equals("ok")) {
                ok.add(r);
            }
        }
        List<SweepRow> byRss = new ArrayList<>(ok);
        byRss.removeIf(r -> r.peakRssBytes() >= baseline.peakRssBytes());
        byRss.sort(Comparator.comparingLong(SweepRow::peakRssBytes)
                .thenComparingLong(SweepRow::totalSyscalls)
                .thenComparingInt(SweepRow::index));
        List<SweepRow> bySys = new ArrayList<>(ok);
        bySys.removeIf(r -> r.totalSyscalls() >= baseline.totalSyscalls());
        bySys.sort(Comparator.comparingLong(SweepRow::totalSyscalls)
                .thenComparingLong(SweepRow::peakRssBytes)
                .thenComparingInt(SweepRow::index));
        return new Advice(baseline, ok, byRss, bySys);
    }

    /** The best value of every tunable that beat the baseline on {@code goal}, together; none if fewer than two. */
    private static void addCombination(
            List<SweepCell> out, Path trace, List<SweepRow> rows, SweepRow baseline, ToLongFunction<SweepRow> goal) {
        Map<String, SweepRow> best = new LinkedHashMap<>();
        for (SweepRow r : rows.subList(1, rows.size())) {
            if (!r.outcome().equals("ok") || goal.applyAsLong(r) >= goal.applyAsLong(baseline)) {
                continue;
            }
            String name = r.tunables().substring(0, r.tunables().indexOf('='));
            SweepRow b = best.get(name);
            if (b == null || goal.applyAsLong(r) < goal.applyAsLong(b)) {
                best.put(name, r);
            }
        }
        if (best.size() < 2) {
            return;
        }
        Map<String, String> t = new LinkedHashMap<>();
        for (SweepRow r : best.values()) {
            int eq = r.tunables().indexOf('=');
            t.put(r.tunables().substring(0, eq), r.tunables().substring(eq + 1));
        }
        for (SweepCell c : out) {
            if (c.tunables().equals(t)) {
                return;
            }
        }
        out.add(new SweepCell(out.size(), trace.toString(), "glibc", t));
    }

    /**
     * How far the real glibc's RSS rose during the calls, in bytes, for the trace with
     * {@code tunables} added ("" for the baseline): the native replayer's exact peak
     * ({@link NativeReplayer#replayExactPeak}: the resident set sampled before every call that can
     * give memory back, in a layout without randomization, its own tables faulted in before the
     * calls) less its resident set before the first call. The RSS before the calls (the replayer's
     * code, stack, tables and parsed trace) cancels, leaving what the allocator made resident and a
     * constant: for grep, diff, tar, git, pyxml, sqlite3 and perl the measured rise is the emulated
     * one plus 128 KiB (Linux 6.18); in git, tar and diff RssFile grows by exactly that: pages of
     * libc.so.6's code and read-only data that glibc's malloc runs and reads, faulted in at their
     * first use (64 KiB each in git; the emulated process runs no code).
     */
    public static long measuredPeakRss(Path trace, SweepSettings settings, String tunables) throws IOException {
        long[] runs = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            Path answers = Files.createTempFile("mallocsim-advise-", ".mrec");
            try {
                NativeReplayer.Result r =
                        NativeReplayer.replayExactPeak(trace, answers, settings.touch(), tunables, n -> {});
                runs[i] = (r.stat("rss-peak-kib") - r.stat("rss-start-kib")) * 1024;
            } finally {
                Files.deleteIfExists(answers);
            }
        }
        Arrays.sort(runs);
        return runs[RUNS / 2];
    }

    /**
     * The memory syscalls the real glibc made during the calls, for the trace with {@code tunables}
     * added ("" for the baseline), counted with strace ({@link NativeSyscalls}): by
     * {@link SyscallKind#ordinal()}, as {@link SweepRow#syscalls()} predicts them. One run: the
     * same glibc making the same calls makes the same syscalls every time.
     */
    public static long[] measuredSyscalls(Path trace, SweepSettings settings, String tunables) throws IOException {
        Map<String, Long> counted = NativeSyscalls.count(trace, settings.touch(), tunables);
        long[] out = new long[SyscallKind.values().length];
        for (SyscallKind k : SyscallKind.values()) {
            out[k.ordinal()] = counted.getOrDefault(k.name().toLowerCase(Locale.ROOT), 0L);
        }
        return out;
    }

    /**
     * How many syscalls of each kind a prediction may be off for a trace with {@code threads}
     * threads: none for one thread (the emulated glibc is glibc 2.36 making the same calls, so its
     * brk, mmap, munmap, mprotect, mremap and madvise calls are the real ones, one for one), and
     * one per thread beyond the first otherwise. The native replayer starts each of the trace's
     * threads with pthread_create, which maps the thread's stack (mmap with MAP_STACK, then
     * mprotect above the guard page), and a thread that ends gives its unused stack back with
     * madvise(MADV_DONTNEED) ({@code advise_stack_range}, nptl/pthread_create.c); the replay
     * engine runs a thread's calls on its arena without making a stack. Measured on pythr (four
     * threads): mmap, mprotect and madvise each 3 above the prediction, brk and munmap equal.
     */
    public static long syscallTolerance(long threads) {
        return Math.max(0, threads - 1);
    }

    /** How many threads make calls in {@code trace} (one pass over its events). */
    public static long threads(Path trace) throws IOException {
        Set<Integer> tids = new HashSet<>();
        try (TraceReader r = Traces.open(trace)) {
            TraceEvent e = new TraceEvent();
            while (r.next(e)) {
                tids.add(e.tid);
            }
        }
        return Math.max(1, tids.size());
    }

    /** Whether every kind of syscall was predicted within {@code tolerance} of the measured count. */
    public static boolean syscallsAgree(long[] predicted, long[] measured, long tolerance) {
        for (int k = 0; k < predicted.length; k++) {
            if (Math.abs(predicted[k] - measured[k]) > tolerance) {
                return false;
            }
        }
        return true;
    }

    /**
     * Native runs per measurement; the median is taken. On this machine's Linux (6.18) the exact
     * peak is the same in every run; a kernel whose /proc/self/statm leaves per-CPU RSS deltas
     * unread (up to 32 pages per CPU) or that keeps randomizing the layout can move one run.
     */
    public static final int RUNS = 3;

    /**
     * The tolerance of {@link #agrees}: 256 KiB, or a quarter of the measured change if larger.
     * For a single-threaded trace on this machine's Linux the measure is exact, and the predicted
     * changes of the bundled ones tried equal the measured ones to the KiB ({@code AdviseVerifyTest}); the
     * tolerance is for threaded traces, whose thread stacks the emulation does not make, and for
     * kernels whose RSS counters are read with pending per-CPU deltas (up to 32 pages a CPU).
     */
    public static final long TOLERANCE_BYTES = 256 << 10;

    /**
     * Whether a predicted change of peak RSS agrees with a measured one: the same sign (both
     * within the tolerance of zero counts as the same), and apart by no more than
     * {@link #TOLERANCE_BYTES} or a quarter of the measured change, whichever is larger.
     */
    public static boolean agrees(long predicted, long measured) {
        long tol = Math.max(TOLERANCE_BYTES, Math.abs(measured) / 4);
        boolean sameSign = Long.signum(predicted) == Long.signum(measured)
                || (Math.abs(predicted) <= tol && Math.abs(measured) <= tol);
        return sameSign && Math.abs(predicted - measured) <= tol;
    }
}
