package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.mallocsim.traces.format.TraceFormat;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.TraceWriter;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.gen.TraceWriterSink;
import org.mallocsim.traces.gen.WorkloadGenerator;

/**
 * A replay streams: what the engine retains does not grow with the trace's length. Two million
 * generated calls (a bounded live heap) flow from the generator through a pipe into the engine,
 * never whole in memory; the heap retained after a full GC at call 327,680 and at call 1,900,544
 * may differ by less than half of what a leak of 8 bytes per call would add over those 1.57 M calls.
 */
class LongReplayMemoryTest {
    private static final long EARLY = 5 * ReplayListener.PROGRESS_EVERY;
    private static final long LATE = 29 * ReplayListener.PROGRESS_EVERY;

    @Test
    void retainedHeapDoesNotGrowOverTwoMillionStreamedCalls() throws Exception {
        WorkloadGenerator.Params p =
                new WorkloadGenerator.Params(WorkloadGenerator.Shape.MIXED, 13, 2_000_000, 1, 4096);
        PipedOutputStream toEngine = new PipedOutputStream();
        PipedInputStream fromGenerator = new PipedInputStream(toEngine, 1 << 16);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread generator = new Thread(
                () -> {
                    try (TraceWriter w = Traces.create(toEngine, TraceFormat.BINARY)) {
                        WorkloadGenerator.generate(p, new TraceWriterSink(w, p));
                    } catch (IOException | RuntimeException e) {
                        failure.set(e);
                    }
                },
                "generator");
        generator.start();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long[] retained = new long[2];
        ReplayListener sampler = new ReplayListener() {
            @Override
            public void progress(long calls) {
                if (calls == EARLY) {
                    retained[0] = retainedAfterGc(memory);
                } else if (calls == LATE) {
                    retained[1] = retainedAfterGc(memory);
                }
            }
        };
        ReplayResult r;
        try (TraceReader in = Traces.open(fromGenerator, "generated.mrecb", false)) {
            r = ReplayEngine.replay(in, Path.of("generated.mrecb"), ReplayOptions.of("glibc"), sampler);
        }
        generator.join();
        assertThat(failure.get()).isNull();
        assertThat(r.completed()).isTrue();
        assertThat(r.calls()).isGreaterThan(LATE);
        long leakOf8BytesPerCall = 8 * (LATE - EARLY);
        assertThat(retained[1] - retained[0])
                .as("heap retained at call %d (%d B) minus at call %d (%d B)", LATE, retained[1], EARLY, retained[0])
                .isLessThan(leakOf8BytesPerCall / 2);
    }

    private static long retainedAfterGc(MemoryMXBean memory) {
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
