package org.mallocsim.traces.natives;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder and the replayer agree: replaying a fresh recording reproduces glibc's answers. */
class RecordThenReplayTest {
    @TempDir
    Path tmp;

    /**
     * Records with glibc's default malloc settings whatever the test JVM runs with: the recorded
     * program would otherwise inherit, e.g., the {@code arena_max=1} of the build's glibc-only test
     * JVM (which runs this class too when {@code -Dtest} selects it) and make no thread arena.
     */
    private FidelityReport recordAndReplay(String program, String... args) throws Exception {
        return recordAndReplay(Map.of("GLIBC_TUNABLES", ""), program, args);
    }

    /** Records with extra environment variables (glibc malloc settings), then replays. */
    private FidelityReport recordAndReplay(Map<String, String> env, String program, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(TestPrograms.compile(program).toString());
        cmd.addAll(List.of(args));
        Recorder.Recording r = Recorder.record(
                cmd, tmp.resolve(program + ".mrec"), Recorder.Format.TEXT, false, ProcessBuilder.Redirect.DISCARD, env);
        assertThat(r.exitCode()).isZero();
        NativeReplayer.Result replay =
                NativeReplayer.replay(r.trace(), tmp.resolve(program + ".out"), NativeReplayer.Touch.FIRST);
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
    void theReplayRunsWithTheMallocTunablesTheProgramWasRecordedWith() throws Exception {
        // Without tcache and with a tiny mmap threshold glibc answers very differently; the
        // replay only matches if it gets the same settings from the trace's header.
        FidelityReport report = recordAndReplay(
                Map.of("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0", "MALLOC_MMAP_THRESHOLD_", "4096"),
                "single_calls");

        assertThat(report.count(FidelityReport.Kind.MMAPPED).total()).isPositive();
        assertThat(report.faithful()).as(String.join("\n", report.lines())).isTrue();
    }

    @Test
    void replayingAMultiThreadedRecordingOnRealThreadsReproducesEveryThreadArenaAnswer() throws Exception {
        FidelityReport report = recordAndReplay("threads");

        assertThat(report.count(FidelityReport.Kind.THREAD_ARENA).total()).isEqualTo(3 * 200);
        assertThat(report.faithful()).as(String.join("\n", report.lines())).isTrue();
    }

    @Test
    void replayingARecordingOfAMallocHeavyLoopReproducesItExactly() throws Exception {
        FidelityReport report = recordAndReplay("malloc_heavy", "50000");

        assertThat(report.recordedCalls()).isGreaterThan(100_000);
        assertThat(report.faithful()).as(String.join("\n", report.lines())).isTrue();
    }
}
