package org.mallocsim.traces.natives;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder and the replayer agree: replaying a fresh recording reproduces glibc's answers. */
class RecordThenReplayTest {
    @TempDir
    Path tmp;

    private FidelityReport recordAndReplay(String program, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(TestPrograms.compile(program).toString()));
        cmd.addAll(List.of(args));
        Recorder.Recording r = Recorder.record(cmd, tmp.resolve(program + ".mrec"), Recorder.Format.TEXT, false,
                ProcessBuilder.Redirect.DISCARD);
        assertThat(r.exitCode()).isZero();
        NativeReplayer.Result replay = NativeReplayer.replay(r.trace(), tmp.resolve(program + ".out"),
                NativeReplayer.Touch.FIRST);
        return FidelityReport.compare(ReferenceTrace.read(r.trace()), ReferenceTrace.read(replay.answersFile()));
    }

    @Test
    void replayingARecordingOfEveryEntryPointReproducesItExactly() throws Exception {
        FidelityReport report = recordAndReplay("single_calls");

        assertThat(report.recordedCalls()).isEqualTo(18);
        assertThat(report.count(FidelityReport.Kind.MMAPPED).total()).isEqualTo(1);
        assertThat(report.faithful()).as(String.join("\n", report.lines())).isTrue();
    }

    @Test
    void replayingARecordingOfAMallocHeavyLoopReproducesItExactly() throws Exception {
        FidelityReport report = recordAndReplay("malloc_heavy", "50000");

        assertThat(report.recordedCalls()).isGreaterThan(100_000);
        assertThat(report.faithful()).as(String.join("\n", report.lines())).isTrue();
    }
}
