package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;

/** {@link ReplayCursor}: the replay's engine one call at a time, giving the replay's answers. */
class ReplayCursorTest {
    private static final Path GREP = Path.of("..", "traces", "grep.mrec.zst");

    @TempDir
    Path tmp;

    @Test
    void everyStepAnswersAsTheFullReplayAnswers() throws IOException {
        Path emitted = tmp.resolve("grep-glibc.mrec");
        ReplayResult full = ReplayEngine.replay(GREP, ReplayOptions.of("glibc").withEmit(emitted));
        long differing = 0;
        long calls = 0;
        try (ReplayCursor cursor = ReplayCursor.open(GREP, ReplayOptions.of("glibc"));
                TraceReader answers = Traces.open(emitted)) {
            TraceEvent a = new TraceEvent();
            while (answers.next(a)) {
                if (a.op != TraceEvent.FREE && !TraceEvent.allocates(a.op)) {
                    continue;
                }
                assertThat(cursor.step()).isTrue();
                calls++;
                TraceEvent mine = cursor.answer();
                if (mine.result != a.result
                        || mine.chunkWord != a.chunkWord
                        || mine.brk != a.brk
                        || mine.arg0 != a.arg0) {
                    differing++;
                }
                assertThat(cursor.calls()).isEqualTo(calls);
            }
            assertThat(cursor.step()).isFalse();
            assertThat(cursor.ended()).isTrue();
            assertThat(cursor.death()).isNull();
            assertThat(cursor.space().currentBrk()).isEqualTo(full.finalBrk());
        }
        assertThat(calls).isEqualTo(full.calls()).isEqualTo(22_888);
        assertThat(differing).isZero();
    }

    @Test
    void stepsAllocateLessThanAByteEachOfJavaHeap() throws IOException {
        AllocationPerCall.Measured m = AllocationPerCall.measure(
                AllocationPerCall.larson(tmp, "small", 20_000),
                AllocationPerCall.larson(tmp, "large", 200_000),
                ReplayCursorTest::stepThrough);
        assertThat(m.perExtraCall())
                .as("bytes per extra call (small %d B, large %d B)", m.smallBytes(), m.largeBytes())
                .isLessThan(1.0);
    }

    private static long stepThrough(Path trace) throws IOException {
        try (ReplayCursor c = ReplayCursor.open(trace, ReplayOptions.of("bump"))) {
            while (c.step()) {
                // every call, as a goto to the end runs them
            }
            return c.calls();
        }
    }
}
