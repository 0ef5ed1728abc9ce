package org.mallocsim.replay.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mallocsim.replay.TraceFidelity;

/**
 * The advisor's predictions against the real glibc: for three bundled programs, the best
 * candidate for peak RSS and the best for syscalls (which usually costs RSS) are replayed by the
 * native replayer. For these single-threaded programs the predicted change of peak RSS must be
 * the measured one to the byte: the emulated kernel keeps exactly the pages Linux keeps, and the
 * replayer's exact peak ({@code NativeReplayer.replayExactPeak}) measures them without the
 * pending per-CPU deltas of VmHWM, on Linux 6.18 as on this machine kind, where /proc/self/statm
 * follows every page. The predicted memory syscalls must be the real ones, kind by kind (the same
 * glibc making the same calls makes the same brk, mmap, munmap, mprotect, mremap and madvise
 * calls), and within {@link Advisor#syscallTolerance} for the threaded pythr.
 */
class AdviseVerifyTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"diff", "tar", "pyxml"})
    void predictedChangesOfPeakRssAndSyscallsAgreeWithTheRealGlibc(String program) throws IOException {
        Path trace = TraceFidelity.trace(program);
        SweepSettings s = SweepSettings.defaults();
        Advisor.Advice a = Advisor.advise(trace, s, 2, n -> {});
        assertThat(a.byPeakRss()).isNotEmpty();
        assertThat(Advisor.threads(trace)).isEqualTo(1);
        long base = Advisor.measuredPeakRss(trace, s, "");
        assertThat(Advisor.measuredSyscalls(trace, s, ""))
                .as("%s's syscalls with glibc's defaults", program)
                .containsExactly(a.baseline().syscalls());
        for (SweepRow best :
                new SweepRow[] {a.byPeakRss().get(0), a.bySyscalls().get(0)}) {
            long predicted = best.peakRssBytes() - a.baseline().peakRssBytes();
            long measured = Advisor.measuredPeakRss(trace, s, best.tunables()) - base;
            assertThat(measured)
                    .as("%s with %s: the change of peak RSS, predicted then measured", program, best.tunables())
                    .isEqualTo(predicted);
            assertThat(Advisor.measuredSyscalls(trace, s, best.tunables()))
                    .as(
                            "%s's syscalls (brk, mmap, munmap, mprotect, mremap, madvise) with %s",
                            program, best.tunables())
                    .containsExactly(best.syscalls());
        }
    }

    @Test
    void theThreadedPythrsSyscallsAgreeWithinOnePerExtraThread() throws IOException {
        // arena_max=1 keeps every thread on the main arena: no 64 MiB heaps, so fewer mmap and mprotect calls
        Path trace = TraceFidelity.trace("pythr");
        SweepSettings s = SweepSettings.defaults();
        long tolerance = Advisor.syscallTolerance(Advisor.threads(trace));
        for (String tunables : new String[] {"", "glibc.malloc.arena_max=1"}) {
            SweepCell c = new SweepCell(
                    0,
                    trace.toString(),
                    "glibc",
                    tunables.isEmpty() ? java.util.Map.of() : java.util.Map.of("glibc.malloc.arena_max", "1"));
            long[] predicted = Sweep.replay(c, s).syscalls();
            long[] measured = Advisor.measuredSyscalls(trace, s, tunables);
            assertThat(Advisor.syscallsAgree(predicted, measured, tolerance))
                    .as(
                            "pythr %s: predicted %s, measured %s, tolerance %d",
                            tunables,
                            java.util.Arrays.toString(predicted),
                            java.util.Arrays.toString(measured),
                            tolerance)
                    .isTrue();
        }
    }

    @Test
    void diffsLargestPredictedRiseIsMeasuredTooSoTheCheckIsNotAllNoise() throws IOException {
        // mmap_threshold=1 MiB keeps diff's ~1 MiB buffers on the heap, where the trim leaves them resident.
        Path trace = TraceFidelity.trace("diff");
        SweepSettings s = SweepSettings.defaults();
        SweepCell base = new SweepCell(0, trace.toString(), "glibc", java.util.Map.of());
        SweepCell big =
                new SweepCell(1, trace.toString(), "glibc", java.util.Map.of("glibc.malloc.mmap_threshold", "1048576"));
        long predicted =
                Sweep.replay(big, s).peakRssBytes() - Sweep.replay(base, s).peakRssBytes();
        long measured = Advisor.measuredPeakRss(trace, s, big.glibcTunables()) - Advisor.measuredPeakRss(trace, s, "");
        assertThat(predicted).isGreaterThan(4 * Advisor.TOLERANCE_BYTES);
        assertThat(measured)
                .as("diff's rise with mmap_threshold=1 MiB, predicted then measured")
                .isEqualTo(predicted);
    }

    @Test
    void agreementNeedsTheSameSignAndCloseness() {
        long k = 1024;
        assertThat(Advisor.agrees(1184 * k, 1088 * k)).isTrue();
        assertThat(Advisor.agrees(-30 * k, 60 * k)).isTrue(); // both within the noise
        assertThat(Advisor.agrees(1000 * k, -1000 * k)).isFalse();
        assertThat(Advisor.agrees(4000 * k, 2000 * k)).isFalse();
        assertThat(Advisor.agrees(-600 * k, 0)).isFalse();
    }

    @Test
    void syscallAgreementIsPerKindWithinTheTolerance() {
        long[] predicted = {4, 10, 3, 0, 0, 2};
        assertThat(Advisor.syscallsAgree(predicted, new long[] {4, 10, 3, 0, 0, 2}, 0))
                .isTrue();
        assertThat(Advisor.syscallsAgree(predicted, new long[] {4, 10, 3, 0, 0, 3}, 0))
                .isFalse();
        assertThat(Advisor.syscallsAgree(predicted, new long[] {5, 9, 3, 0, 0, 3}, 1))
                .isTrue();
        assertThat(Advisor.syscallsAgree(predicted, new long[] {4, 12, 3, 0, 0, 2}, 1))
                .isFalse();
        assertThat(Advisor.syscallTolerance(1)).isZero();
        assertThat(Advisor.syscallTolerance(4)).isEqualTo(3);
    }
}
