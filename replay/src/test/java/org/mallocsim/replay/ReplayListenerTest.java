package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.traces.format.TraceEvent;

/** The listener hears the first mismatch once, with the allocator as that call left it, and the progress. */
class ReplayListenerTest {
    private static final class Recording implements ReplayListener {
        final List<String> mismatches = new ArrayList<>();
        final List<Long> progress = new ArrayList<>();

        @Override
        public void progress(long calls) {
            progress.add(calls);
        }

        @Override
        public void firstMismatch(Allocator allocator, TraceEvent call, long result, long argument) {
            // the block just returned is live in the allocator the listener is given
            long usable = result == 0 ? -1 : allocator.mallocUsableSize(result);
            mismatches.add(call.position + " " + (char) call.op + " " + call.arg0 + " -> " + Long.toHexString(result)
                    + " usable " + usable + " arg " + argument);
        }
    }

    @Test
    void aFaithfulReplayHearsNoMismatchAndAProgressReportPer65536Calls() throws Exception {
        Recording l = new Recording();
        ReplayResult r = ReplayEngine.replay(TraceFidelity.trace("pythr"), ReplayOptions.of("glibc"), l);

        assertThat(r.fidelity().faithful()).isTrue();
        assertThat(l.mismatches).isEmpty();
        assertThat(r.calls()).isGreaterThan(ReplayListener.PROGRESS_EVERY);
        List<Long> expected = new ArrayList<>();
        for (long n = ReplayListener.PROGRESS_EVERY; n <= r.calls(); n += ReplayListener.PROGRESS_EVERY) {
            expected.add(n);
        }
        assertThat(l.progress).isEqualTo(expected);
    }

    @Test
    void anotherPolicyIsHeardOnceAtItsFirstDifferentAnswer() throws Exception {
        Recording l = new Recording();
        ReplayResult r = ReplayEngine.replay(TraceFidelity.trace("git"), ReplayOptions.of("bump"), l);

        assertThat(r.fidelity().faithful()).isFalse();
        FidelityMismatch.check(r, l.mismatches);
    }

    /** The mismatch heard is the one the fidelity report keeps. */
    private static final class FidelityMismatch {
        static void check(ReplayResult r, List<String> heard) {
            var m = r.fidelity().firstMismatchAnswers();
            assertThat(heard).hasSize(1);
            assertThat(heard.get(0))
                    .startsWith(m.position() + " " + m.op() + " " + m.arg0() + " -> "
                            + Long.toHexString(m.replayed()[0]) + " usable ")
                    .doesNotContain("usable -1");
        }
    }
}
