package org.mallocsim.traces.natives;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The native replayer against the recorded traces: replaying a single-threaded trace on this
 * machine's glibc reproduces every answer a faithful emulation must reproduce.
 */
class NativeReplayerFidelityTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"grep", "diff", "git", "tar", "pyxml", "bash"})
    void replayingASingleThreadedTraceReproducesEveryRecordedAnswer(String name) throws Exception {
        Path trace = RepoTraces.trace(name);
        ReferenceTrace recorded = ReferenceTrace.read(trace);
        assertThat(recorded.threadCount()).as("threads in " + name).isEqualTo(1);

        NativeReplayer.Result result =
                NativeReplayer.replay(trace, tmp.resolve(name + ".out"), NativeReplayer.Touch.NONE);
        FidelityReport report = FidelityReport.compare(recorded, ReferenceTrace.read(result.answersFile()));

        System.out.println(name + ": " + String.join("; ", report.lines()));
        assertThat(result.stat("unknown-pointers")).isZero();
        assertThat(report.replayedCalls()).isEqualTo(report.recordedCalls());
        assertThat(report.firstMismatch()).as(String.join("\n", report.lines())).isEqualTo(-1);
        assertThat(report.faithful()).isTrue();
    }

    @Test
    void replayingTheMultiThreadedTraceOnRealThreadsInTraceOrderReproducesEveryAnswer() throws Exception {
        Path trace = RepoTraces.trace("pythr");
        ReferenceTrace recorded = ReferenceTrace.read(trace);
        assertThat(recorded.threadCount()).isGreaterThan(1);

        NativeReplayer.Result result =
                NativeReplayer.replay(trace, tmp.resolve("pythr.out"), NativeReplayer.Touch.NONE);
        ReferenceTrace replayed = ReferenceTrace.read(result.answersFile());
        FidelityReport report = FidelityReport.compare(recorded, replayed);

        System.out.println("pythr: " + String.join("; ", report.lines()));
        assertThat(result.stat("threads")).isEqualTo(recorded.threadCount());
        assertThat(replayed.size()).isEqualTo(recorded.size());
        assertThat(report.count(FidelityReport.Kind.THREAD_ARENA).total()).isPositive();
        assertThat(report.faithful()).as(String.join("\n", report.lines())).isTrue();
    }

    @Test
    void touchingEveryPageDoesNotChangeGlibcsAnswers() throws Exception {
        Path trace = RepoTraces.trace("diff");
        NativeReplayer.Result result = NativeReplayer.replay(trace, tmp.resolve("diff.out"), NativeReplayer.Touch.PAGE);
        FidelityReport report =
                FidelityReport.compare(ReferenceTrace.read(trace), ReferenceTrace.read(result.answersFile()));

        assertThat(report.faithful()).as(String.join("\n", report.lines())).isTrue();
        assertThat(result.nsPerCallByOp()).containsKeys('m', 'f');
        assertThat(result.stat("calls")).isEqualTo(report.recordedCalls());
    }
}
