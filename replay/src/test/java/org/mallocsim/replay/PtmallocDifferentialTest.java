package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mallocsim.traces.format.TraceWriter;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.gen.TraceWriterSink;
import org.mallocsim.traces.gen.WorkloadGenerator;
import org.mallocsim.traces.gen.WorkloadGenerator.Params;
import org.mallocsim.traces.gen.WorkloadGenerator.Shape;
import org.mallocsim.traces.io.OutputFile;
import org.mallocsim.traces.natives.NativeReplayer;
import org.mallocsim.traces.natives.ReferenceTrace;

/**
 * Differential tests of the emulated ptmalloc against this machine's glibc: each seeded workload is
 * generated, replayed on the real glibc by the native replayer (in a fresh process, under the
 * workload's GLIBC_TUNABLES), and glibc's answers file is then replayed by {@link ReplayEngine}
 * with the {@code glibc} policy under the same tunables, in an emulated process started from the
 * same maps and start-brk, on the same threads. Every call must give the same answers in every
 * class a faithful emulation reproduces ({@code FidelityReport}): main-arena results as offsets
 * from start-brk, thread-arena results as (heap, offset in heap), chunk words, the break after each
 * call, mmapped results by page offset and chunk word, and NULLs.
 */
class PtmallocDifferentialTest {
    @TempDir
    Path tmp;

    /** One generated workload and the tunables it runs under. */
    record Workload(Shape shape, long seed, int calls, int threads, int maxLive, String tunables) {
        Workload(Shape shape, long seed, int calls, int maxLive, String tunables) {
            this(shape, seed, calls, 1, maxLive, tunables);
        }

        @Override
        public String toString() {
            return shape + " seed " + seed + (threads > 1 ? " " + threads + " threads" : "")
                    + (tunables.isEmpty() ? "" : " " + tunables);
        }
    }

    static Stream<Workload> workloads() {
        return Stream.of(
                new Workload(Shape.SMALL, 11, 20_000, 500, ""),
                new Workload(Shape.SMALL, 12, 20_000, 60, ""),
                new Workload(Shape.LARGE, 21, 10_000, 300, ""),
                new Workload(Shape.MEMALIGN, 31, 10_000, 300, ""),
                new Workload(Shape.MEMALIGN, 32, 10_000, 40, ""),
                new Workload(Shape.REALLOC, 41, 20_000, 300, ""),
                new Workload(Shape.REALLOC, 42, 20_000, 30, ""),
                new Workload(Shape.CALLOC, 51, 20_000, 500, ""),
                new Workload(Shape.TRIM, 61, 20_000, 1000, ""),
                new Workload(Shape.THRESHOLD, 71, 5_000, 100, ""),
                new Workload(Shape.MIXED, 81, 20_000, 1000, ""),
                // tunables changed
                new Workload(Shape.SMALL, 13, 20_000, 500, "glibc.malloc.tcache_count=0"),
                new Workload(Shape.SMALL, 14, 20_000, 500, "glibc.malloc.tcache_count=0:glibc.malloc.mxfast=0"),
                new Workload(Shape.SMALL, 15, 20_000, 500, "glibc.malloc.tcache_max=256:glibc.malloc.tcache_count=3"),
                new Workload(Shape.LARGE, 22, 10_000, 300, "glibc.malloc.mmap_max=0"),
                new Workload(Shape.TRIM, 62, 20_000, 1000, "glibc.malloc.top_pad=0:glibc.malloc.trim_threshold=65536"),
                new Workload(Shape.THRESHOLD, 72, 5_000, 100, "glibc.malloc.mmap_threshold=65536"),
                new Workload(
                        Shape.MIXED, 82, 20_000, 1000, "glibc.malloc.perturb=165:glibc.malloc.tcache_unsorted_limit=2"),
                new Workload(
                        Shape.SMALL, 16, 20_000, 2000, "glibc.malloc.tcache_unsorted_limit=1:glibc.malloc.mxfast=160"),
                new Workload(Shape.LARGE, 23, 10_000, 300, "glibc.malloc.top_pad=1048576"),
                new Workload(Shape.MEMALIGN, 33, 10_000, 300, "glibc.malloc.tcache_count=0"),
                new Workload(Shape.REALLOC, 43, 20_000, 300, "glibc.malloc.mmap_threshold=262144"),
                new Workload(Shape.CALLOC, 52, 20_000, 500, "glibc.malloc.perturb=1"),
                new Workload(Shape.TRIM, 63, 20_000, 1000, "glibc.malloc.trim_threshold=0"),
                // threads: thread arenas, cross-thread frees, tcache shutdown at thread exit
                new Workload(Shape.LARSON, 91, 20_000, 4, 300, ""),
                new Workload(Shape.CACHE_THRASH, 92, 20_000, 4, 50, ""),
                new Workload(Shape.MIXED, 93, 20_000, 3, 1000, ""),
                new Workload(Shape.LARSON, 94, 20_000, 4, 300, "glibc.malloc.arena_max=2"),
                // the trace opens with thread starts, so its first event is thread 1001's: the replayer
                // must still run 1000, the parent, as the process's main thread, and end 1001 as a
                // thread (its tcache flushed, the heap trimmed if that empties it)
                new Workload(Shape.MIXED, 2, 20_000, 6, 648, "glibc.malloc.arena_max=2"),
                new Workload(Shape.MIXED, 71, 20_000, 9, 659, "glibc.malloc.tcache_count=100"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("workloads")
    void ptmallocGivesGlibcsAnswersForEveryCall(Workload w) throws IOException {
        Path trace = tmp.resolve("workload.mrec");
        Params params = new Params(w.shape(), w.seed(), w.calls(), w.threads(), w.maxLive());
        try (OutputFile file = OutputFile.create(trace)) {
            try (TraceWriter out = Traces.create(file, false)) {
                WorkloadGenerator.generate(params, new TraceWriterSink(out, params, w.tunables()));
            }
            file.commit();
        }
        NativeReplayer.Result result =
                NativeReplayer.replay(trace, tmp.resolve("glibc.mrec"), NativeReplayer.Touch.NONE);
        assertThat(result.stat("unknown-pointers")).isZero();
        ReferenceTrace glibc = ReferenceTrace.read(result.answersFile());
        assertExercisesItsTarget(w, glibc);

        TraceFidelity.Outcome ours = TraceFidelity.replay(
                result.answersFile(),
                ReplayOptions.of("glibc").withTunables(w.tunables().isEmpty() ? List.of() : List.of(w.tunables())));

        System.out.print(w + ": " + ours.describe());
        assertThat(ours.result().calls()).isEqualTo(glibc.size());
        assertThat(ours.faithful())
                .as(ours.describe() + "first mismatch: " + ours.firstMismatch() + "\nthe calls up to it:\n"
                        + ours.contextBeforeFirstMismatch(4))
                .isTrue();
    }

    private static int threadArenaResults(ReferenceTrace glibc) {
        int n = 0;
        for (int i = 0; i < glibc.size(); i++) {
            n += glibc.result(i) != 0 && (glibc.chunkWord(i) & 4) != 0 ? 1 : 0;
        }
        return n;
    }

    /**
     * What each workload is for, checked on glibc's own answers, so that a change to the generator
     * that stops a workload reaching its part of malloc fails here rather than passing vacuously.
     */
    private static void assertExercisesItsTarget(Workload w, ReferenceTrace glibc) {
        int mmapped = 0;
        int bigMallocs = 0;
        int bigFromHeap = 0;
        int brkShrinks = 0;
        int reallocsInPlace = 0;
        int reallocsMoved = 0;
        int reallocsMmapped = 0;
        int alignedAbovePage = 0;
        for (int i = 0; i < glibc.size(); i++) {
            char op = glibc.op(i);
            long res = glibc.result(i);
            boolean isMmapped = res != 0 && (glibc.chunkWord(i) & 2) != 0;
            mmapped += isMmapped ? 1 : 0;
            if (i > 0 && glibc.brk(i) < glibc.brk(i - 1)) {
                brkShrinks++;
            }
            if (op == 'm' && glibc.arg1(i) >= 128 * 1024) {
                bigMallocs++;
                bigFromHeap += isMmapped ? 0 : 1;
            }
            if (op == 'r' && res != 0) {
                reallocsInPlace += res == glibc.arg1(i) ? 1 : 0;
                reallocsMoved += res != glibc.arg1(i) ? 1 : 0;
                reallocsMmapped += isMmapped ? 1 : 0;
            }
            if (op == 'a') {
                long align = Long.highestOneBit(Math.max(16, glibc.arg1(i)));
                align = align == Math.max(16, glibc.arg1(i)) ? align : align << 1; // rounded up as _mid_memalign does
                assertThat(res & (align - 1))
                        .as("memalign (%d, ...) is aligned", glibc.arg1(i))
                        .isZero();
                alignedAbovePage += align > 4096 && !isMmapped ? 1 : 0;
            }
        }
        String t = w.tunables();
        switch (w.shape()) {
            case LARGE -> {
                if (t.contains("mmap_max=0")) {
                    assertThat(mmapped).as("no mmapped chunks with mmap_max=0").isZero();
                    assertThat(bigMallocs)
                            .as("requests above the default threshold")
                            .isPositive();
                } else {
                    assertThat(mmapped).as("mmapped chunks").isPositive();
                }
            }
            case MEMALIGN ->
                assertThat(alignedAbovePage)
                        .as("heap chunks aligned above a page")
                        .isPositive();
            case REALLOC -> {
                assertThat(reallocsInPlace).as("reallocs in place").isPositive();
                assertThat(reallocsMoved).as("reallocs that moved").isPositive();
                assertThat(reallocsMmapped).as("reallocs into mmap").isPositive();
            }
            case TRIM -> assertThat(brkShrinks).as("the heap shrinks").isGreaterThan(10);
            case THRESHOLD -> {
                assertThat(mmapped).as("mmapped chunks").isPositive();
                if (t.contains("mmap_threshold")) {
                    assertThat(bigFromHeap)
                            .as("a fixed threshold: most big mallocs are mmapped")
                            .isLessThan(bigMallocs / 2);
                } else {
                    assertThat(bigFromHeap)
                            .as("the threshold rose: most big mallocs come from the heap")
                            .isGreaterThan(bigMallocs / 2);
                }
            }
            case LARSON, CACHE_THRASH ->
                assertThat(threadArenaResults(glibc)).as("thread-arena results").isPositive();
            default -> assertThat(glibc.size()).isPositive();
        }
    }
}
