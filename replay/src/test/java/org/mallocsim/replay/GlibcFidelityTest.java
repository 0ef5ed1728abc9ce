package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mallocsim.allocator.Allocators;

/**
 * The yardstick of the README: the emulated glibc answers every call of every bundled trace as
 * the recorded glibc did. Skipped until a policy is registered as {@code glibc}; from then on a
 * failure prints the per-class counts and the first mismatch with both answers.
 */
class GlibcFidelityTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"grep", "diff", "git", "tar", "pyxml", "pythr", "bash"})
    void theEmulatedGlibcReproducesEveryRecordedAnswer(String trace) throws IOException {
        assumeTrue(Allocators.names().contains("glibc"), "no allocator is registered as glibc yet");
        TraceFidelity.Outcome o = TraceFidelity.replay(trace, "glibc");
        assertThat(o.faithful()).as(o.describe()).isTrue();
    }
}
