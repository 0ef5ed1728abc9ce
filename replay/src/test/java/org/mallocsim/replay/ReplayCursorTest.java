package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.gen.WorkloadGenerator;

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
        Path small = answered("small", 20_000);
        Path large = answered("large", 200_000);
        for (int i = 0; i < 3; i++) { // warm up: compile the loop before measuring
            stepThrough(small);
            stepThrough(large);
        }
        long smallBytes = allocatedBy(small);
        long largeBytes = allocatedBy(large);
        long smallCalls = stepThrough(small);
        long largeCalls = stepThrough(large);
        double perCall = (double) (largeBytes - smallBytes) / (largeCalls - smallCalls);
        assertThat(perCall)
                .as("bytes per extra call (small %d B, large %d B)", smallBytes, largeBytes)
                .isLessThan(1.0);
    }

    /** A LARSON trace of about {@code calls} calls, as mrecb. */
    private Path answered(String name, int calls) throws IOException {
        Path gen = tmp.resolve(name + "-gen.mrecb");
        ReplayEngineTest.generate(gen, WorkloadGenerator.Shape.LARSON, 3, calls, 2, 64);
        return gen;
    }

    private static long stepThrough(Path trace) throws IOException {
        try (ReplayCursor c = ReplayCursor.open(trace, ReplayOptions.of("bump"))) {
            while (c.step()) {
                // every call, as a goto to the end runs them
            }
            return c.calls();
        }
    }

    private static long allocatedBy(Path trace) throws IOException {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        stepThrough(trace);
        return mx.getThreadAllocatedBytes(id) - before;
    }
}
