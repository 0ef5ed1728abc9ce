package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mallocsim.traces.gen.WorkloadGenerator;

/**
 * The per-call path allocates nothing: replaying a trace ten times longer allocates no more Java
 * heap than the shorter one plus a few bytes per extra call, measured by HotSpot's per-thread
 * allocation counter (what JMH's {@code -prof gc} reads). The traces carry answers, so the
 * fidelity comparison is on the measured path too.
 */
class AllocationFreeTest {
    @TempDir
    Path tmp;

    @Test
    void extraCallsCostLessThanAByteEachOfJavaHeap() throws IOException {
        Path small = answered("small", 20_000);
        Path large = answered("large", 200_000);
        for (int i = 0; i < 3; i++) { // warm up: compile the loop before measuring
            ReplayEngine.replay(small, ReplayOptions.of("bump"));
            ReplayEngine.replay(large, ReplayOptions.of("bump"));
        }
        long smallBytes = allocatedBy(small);
        long largeBytes = allocatedBy(large);
        ReplayResult s = ReplayEngine.replay(small, ReplayOptions.of("bump"));
        ReplayResult l = ReplayEngine.replay(large, ReplayOptions.of("bump"));
        assertThat(l.fidelity()).isNotNull();
        assertThat(l.peakLiveBlocks())
                .as("the same live set, so the pointer map does not grow")
                .isLessThanOrEqualTo(2 * 64);

        double perCall = (double) (largeBytes - smallBytes) / (l.calls() - s.calls());
        System.out.printf(
                "replay allocation: %d calls %d B, %d calls %d B, %.3f B per extra call%n",
                s.calls(), smallBytes, l.calls(), largeBytes, perCall);
        assertThat(perCall)
                .as("bytes per extra call (small %d B, large %d B)", smallBytes, largeBytes)
                .isLessThan(1.0);
    }

    /** A LARSON trace of about {@code calls} calls with the bump policy's answers, as mrecb. */
    private Path answered(String name, int calls) throws IOException {
        Path gen = tmp.resolve(name + "-gen.mrecb");
        ReplayEngineTest.generate(gen, WorkloadGenerator.Shape.LARSON, 3, calls, 2, 64);
        Path answers = tmp.resolve(name + ".mrecb");
        ReplayEngine.replay(gen, ReplayOptions.of("bump").withEmit(answers));
        return answers;
    }

    private static long allocatedBy(Path trace) throws IOException {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        ReplayEngine.replay(trace, ReplayOptions.of("bump"));
        return mx.getThreadAllocatedBytes(id) - before;
    }
}
