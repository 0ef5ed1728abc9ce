package org.mallocsim.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.mallocsim.replay.ReplayEngine;
import org.mallocsim.replay.ReplayOptions;
import org.mallocsim.replay.ReplayResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole replay of the bash trace ({@code traces/bash.mrec.zst}, 2,262,625 calls) with the
 * emulated ptmalloc, as {@code mallocsim replay --allocator glibc} runs it: zstd decoding, text
 * parsing, the pointer map, the calls through the emulated MMU and the fidelity comparison with
 * the recorded answers. Reported per call ({@link OperationsPerInvocation}), beside
 * {@code mallocsim native --json}'s nsPerCall for the real glibc in {@code benchmarks/run.sh}.
 *
 * <p>One invocation is one replay (a few seconds at most), so each JMH iteration holds one. Setup
 * replays once and refuses to measure unless every call was answered and every answer matched
 * the recorded one: a faster replay that changed an answer would not be a replay of bash.
 * {@code -Dmallocsim.trace=FILE} names another trace (its call count must then be given as
 * {@code -Dmallocsim.traceCalls=N} for the per-call figure to hold).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReplayBenchmark {
    /** Calls in traces/bash.mrec.zst. */
    static final int BASH_CALLS = 2_262_625;

    private Path trace;
    private ReplayOptions options;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        trace = Path.of(System.getProperty("mallocsim.trace", "traces/bash.mrec.zst"));
        if (!Files.isReadable(trace)) {
            throw new IOException(trace.toAbsolutePath() + ": cannot read (run from the repository root)");
        }
        options = ReplayOptions.of("glibc");
        ReplayResult r = ReplayEngine.replay(trace, options);
        long expected = Long.getLong("mallocsim.traceCalls", BASH_CALLS);
        if (!r.completed() || r.calls() != expected || r.fidelity() == null || !r.fidelity().faithful()) {
            throw new IllegalStateException(trace + ": the replay is not faithful or not whole (" + r.calls()
                    + " calls, expected " + expected + ")");
        }
    }

    @Benchmark
    @OperationsPerInvocation(BASH_CALLS)
    public ReplayResult bashGlibc() throws IOException {
        return ReplayEngine.replay(trace, options);
    }
}
