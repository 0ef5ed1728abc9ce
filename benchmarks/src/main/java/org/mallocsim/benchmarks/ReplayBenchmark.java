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
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One whole emulated replay of a bundled trace with the bump policy: a fresh process from the
 * trace's listing, every call, the fidelity comparison. The trace is held in memory as mrecb so
 * the figure is the engine's, the emulated kernel's and the policy's, not the disk's or zstd's.
 * Divide by the trace's calls (grep 22,888; tar 59,964) for a per-call cost; with {@code -prof gc},
 * {@code gc.alloc.rate.norm} over the calls is the bytes allocated per call, which the engine
 * keeps near zero (the rest is the per-replay setup).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-XX:MaxDirectMemorySize=8g"})
public class ReplayBenchmark {
    @Param({"grep", "tar"})
    public String trace;

    private byte[] mrecb;
    private ReplayOptions options;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path file = find(trace);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TraceReader in = Traces.open(file); TraceWriter out = Traces.create(buf, TraceFormat.BINARY)) {
            Traces.copy(in, out);
        }
        mrecb = buf.toByteArray();
        options = ReplayOptions.of("bump");
    }

    @Benchmark
    public long replayWithBump() throws IOException {
        try (TraceReader in = Traces.open(new ByteArrayInputStream(mrecb), trace, false)) {
            ReplayResult r = ReplayEngine.replay(in, Path.of(trace + ".mrecb"), options);
            return r.calls() + r.finalBrk();
        }
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
