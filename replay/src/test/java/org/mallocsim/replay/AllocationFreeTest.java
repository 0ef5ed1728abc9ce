package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        AllocationPerCall.Measured m = AllocationPerCall.measure(
                small,
                large,
                t -> ReplayEngine.replay(t, ReplayOptions.of("bump")).calls());
        ReplayResult l = ReplayEngine.replay(large, ReplayOptions.of("bump"));
        assertThat(l.fidelity()).isNotNull();
        assertThat(l.peakLiveBlocks())
                .as("the same live set, so the pointer map does not grow")
                .isLessThanOrEqualTo(2 * 64);
        System.out.printf(
                "replay allocation: %d calls %d B, %d calls %d B, %.3f B per extra call%n",
                m.smallCalls(), m.smallBytes(), m.largeCalls(), m.largeBytes(), m.perExtraCall());
        assertThat(m.perExtraCall())
                .as("bytes per extra call (small %d B, large %d B)", m.smallBytes(), m.largeBytes())
                .isLessThan(1.0);
    }

    /** A LARSON trace with the bump policy's answers, as mrecb. */
    private Path answered(String name, int calls) throws IOException {
        Path answers = tmp.resolve(name + ".mrecb");
        ReplayEngine.replay(
                AllocationPerCall.larson(tmp, name, calls),
                ReplayOptions.of("bump").withEmit(answers));
        return answers;
    }
}
