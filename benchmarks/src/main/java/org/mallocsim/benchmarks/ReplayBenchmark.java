package org.mallocsim.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.mallocsim.replay.ReplayEngine;
import org.mallocsim.replay.ReplayOptions;
import org.mallocsim.replay.ReplayResult;
import org.mallocsim.traces.format.TraceFormat;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.TraceWriter;
import org.mallocsim.traces.format.Traces;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole emulated replays, from a fresh process to the last call, with the fidelity comparison.
 *
 * <ul>
 *   <li>{@link #replayWithBump}: a bundled trace held in memory as mrecb, with the bump policy, so
 *       the figure is the engine's, the emulated kernel's and the policy's, not the disk's or zstd's.
 *       Divide by the trace's calls (grep 22,888; tar 59,964) for a per-call cost; with
 *       {@code -prof gc}, {@code gc.alloc.rate.norm} over the calls is the bytes allocated per call,
 *       which the engine keeps near zero (the rest is the per-replay setup).
 *   <li>{@link #bashGlibc}: the bash trace ({@code traces/bash.mrec.zst}, 2,262,625 calls) with the
 *       emulated ptmalloc, as {@code mallocsim replay --allocator glibc} runs it: zstd decoding, text
 *       parsing, the pointer map, the calls through the emulated MMU and the fidelity comparison.
 *       Reported per call ({@link OperationsPerInvocation}), beside {@code mallocsim native --json}'s
 *       nsPerCall for the real glibc in {@code benchmarks/alloc-run.sh}. One invocation is one replay
 *       (a few seconds at most), so each JMH iteration holds one. Setup replays once and refuses to
 *       measure unless every call was answered and every answer matched the recorded one: a faster
 *       replay that changed an answer would not be a replay of bash.
 *   <li>{@link #pythrGlibc}: the same for {@code traces/pythr.mrec.zst} (95,864 calls from four
 *       threads, with their thread arenas), the multi-threaded trace beside the single-threaded one.
 * </ul>
 */
public class ReplayBenchmark {
    /** Calls in traces/bash.mrec.zst. */
    static final int BASH_CALLS = 2_262_625;
    /** Calls in traces/pythr.mrec.zst. */
    static final int PYTHR_CALLS = 95_864;

    /** A bundled trace as mrecb bytes, and the bump policy. */
    @State(Scope.Thread)
    public static class InMemory {
        @Param({"grep", "tar"})
        public String trace;

        byte[] mrecb;
        ReplayOptions options;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            Path file = find(trace);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (TraceReader in = Traces.open(file);
                    TraceWriter out = Traces.create(buf, TraceFormat.BINARY)) {
                Traces.copy(in, out);
            }
            mrecb = buf.toByteArray();
            options = ReplayOptions.of("bump");
        }
    }

    /** A recorded trace on disk, checked whole and faithful under the glibc policy before measuring. */
    abstract static class Recorded {
        Path trace;
        ReplayOptions options;

        void setUp(String name, long calls) throws IOException {
            trace = find(name);
            options = ReplayOptions.of("glibc");
            ReplayResult r = ReplayEngine.replay(trace, options);
            if (!r.completed()
                    || r.calls() != calls
                    || r.fidelity() == null
                    || !r.fidelity().faithful()) {
                throw new IllegalStateException(trace + ": the replay is not faithful or not whole (" + r.calls()
                        + " calls, expected " + calls + ")");
            }
        }
    }

    /** traces/bash.mrec.zst. */
    @State(Scope.Thread)
    public static class Bash extends Recorded {
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            setUp("bash", BASH_CALLS);
        }
    }

    /** traces/pythr.mrec.zst. */
    @State(Scope.Thread)
    public static class Pythr extends Recorded {
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            setUp("pythr", PYTHR_CALLS);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Fork(
            value = 1,
            jvmArgsAppend = {"-Xmx2g", "-XX:MaxDirectMemorySize=8g"})
    public long replayWithBump(InMemory s) throws IOException {
        try (TraceReader in = Traces.open(new ByteArrayInputStream(s.mrecb), s.trace, false)) {
            ReplayResult r = ReplayEngine.replay(in, Path.of(s.trace + ".mrecb"), s.options);
            return r.calls() + r.finalBrk();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(1)
    @OperationsPerInvocation(BASH_CALLS)
    public ReplayResult bashGlibc(Bash s) throws IOException {
        return ReplayEngine.replay(s.trace, s.options);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 5, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(1)
    @OperationsPerInvocation(PYTHR_CALLS)
    public ReplayResult pythrGlibc(Pythr s) throws IOException {
        return ReplayEngine.replay(s.trace, s.options);
    }

    private static Path find(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path t = dir.resolve("traces").resolve(name + ".mrec.zst");
            if (Files.exists(t)) {
                return t;
            }
        }
        throw new IllegalStateException("traces/" + name + ".mrec.zst not found above the working directory");
    }
}
