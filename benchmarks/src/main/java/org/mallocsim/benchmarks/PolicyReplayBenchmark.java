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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole bash trace ({@code traces/bash.mrec.zst}, 2,262,625 calls) replayed under each
 * allocation policy, as {@code mallocsim replay --allocator NAME} runs it (zstd, text parsing,
 * the pointer map, every call through the emulated MMU), reported per call; one invocation is one
 * replay. glibc's ptmalloc in the same run is the baseline for the ratios. bump is left out: it
 * never reuses, so bash's 2.26 M calls need gigabytes of emulated RAM. Setup replays once and
 * refuses to measure a policy whose process dies or leaves calls unanswered. With
 * {@code -prof gc}, {@code gc.alloc.rate.norm} is the Java heap bytes per call, the per-replay
 * setup (pointer map, tables) spread over the calls.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g", "-XX:MaxDirectMemorySize=8g"})
public class PolicyReplayBenchmark {
    @Param({"glibc", "first-fit", "next-fit", "best-fit", "segfit", "tlsf", "buddy", "pages"})
    public String policy;

    private Path trace;
    private ReplayOptions options;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        trace = Path.of(System.getProperty("mallocsim.trace", "traces/bash.mrec.zst"));
        if (!Files.isReadable(trace)) {
            throw new IOException(trace.toAbsolutePath() + ": cannot read (run from the repository root)");
        }
        options = ReplayOptions.of(policy);
        ReplayResult r = ReplayEngine.replay(trace, options);
        if (!r.completed() || r.calls() != ReplayBenchmark.BASH_CALLS) {
            throw new IllegalStateException(
                    trace + " under " + policy + ": " + r.calls() + " calls answered of " + ReplayBenchmark.BASH_CALLS
                            + (r.completed() ? "" : ", died of " + r.death().signal()));
        }
    }

    @Benchmark
    @OperationsPerInvocation(ReplayBenchmark.BASH_CALLS)
    public ReplayResult bash() throws IOException {
        return ReplayEngine.replay(trace, options);
    }
}
