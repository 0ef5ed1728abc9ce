package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;

/** An allocator that aborts, faults or runs out of memory ends the replay with a report, not an exception. */
class ProcessDeathTest {
    @TempDir
    Path tmp;

    private static ReplayOptions dying(DyingAllocator.Fate fate, long at) {
        return ReplayOptions.of("dying", (space, options) -> new DyingAllocator(space, fate, at));
    }

    @Test
    void aMallocAbortKillsTheProcessBySigabrtAtThatCall() throws IOException {
        Path trace = TraceFidelity.trace("grep");
        ReplayResult r = ReplayEngine.replay(trace, dying(DyingAllocator.Fate.ABORT, 100));

        assertThat(r.death()).isNotNull();
        assertThat(r.death().signal()).isEqualTo("SIGABRT");
        assertThat(r.death().call()).isEqualTo(100);
        assertThat(r.death().message()).isEqualTo(DyingAllocator.MESSAGE);
        assertThat(r.death().describe())
                .startsWith("killed by SIGABRT at call 100 ")
                .endsWith(DyingAllocator.MESSAGE);
        assertThat(r.calls()).isEqualTo(99);
        assertThat(r.mallinfo2()).as("a dead process answers nothing").isNull();
        assertThat(r.fidelity().replayedCalls()).isEqualTo(99);
        assertThat(r.fidelity().recordedCalls())
                .as("the calls never answered still count")
                .isEqualTo(callsIn(trace));
        assertThat(r.fidelity().faithful()).isFalse();
    }

    @Test
    void theReportEndsWithTheDeathAndItsCallNumber() throws IOException {
        ReplayResult r = ReplayEngine.replay(TraceFidelity.trace("git"), dying(DyingAllocator.Fate.ABORT, 7));
        String text = ReplayText.render(r);

        assertThat(text)
                .contains("answers differ from the recorded ones:\n")
                .endsWith("process killed by SIGABRT at call 7 (trace position "
                        + r.death().position() + "): " + DyingAllocator.MESSAGE + "\n");
        assertThat(r.death().position())
                .as("the line of call 7, after the header")
                .isGreaterThan(7);
    }

    @Test
    void anAllocatorThatCannotStartIsAnErrorNamingTheTrace() {
        Path trace = TraceFidelity.trace("git");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        ReplayEngine.replay(trace, ReplayOptions.of("picky", (space, options) -> {
                            throw new IllegalArgumentException("glibc.malloc.arena_max=0 is not a tunable value");
                        })))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        trace + ": the picky allocator cannot start: glibc.malloc.arena_max=0 is not a tunable value");
    }

    @Test
    void aWildPointerKillsTheProcessBySigsegvWhenItsChunkWordIsRead() throws IOException {
        ReplayResult r = ReplayEngine.replay(TraceFidelity.trace("diff"), dying(DyingAllocator.Fate.WILD_POINTER, 5));

        assertThat(r.death().signal()).isEqualTo("SIGSEGV");
        assertThat(r.death().call()).isEqualTo(5);
        assertThat(r.death().message())
                .isEqualTo("--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x"
                        + Long.toHexString(DyingAllocator.WILD - 8) + "} ---");
    }

    @Test
    void anOutOfMemoryKillIsSigkill() throws IOException {
        ReplayResult r = ReplayEngine.replay(TraceFidelity.trace("diff"), dying(DyingAllocator.Fate.OOM, 1));

        assertThat(r.death().signal()).isEqualTo("SIGKILL");
        assertThat(r.death().call()).isEqualTo(1);
        assertThat(r.calls()).isZero();
        assertThat(r.death().message()).contains("OOM killer");
    }

    @Test
    void theAnswersBeforeTheDeathAreStillEmitted() throws IOException {
        Path out = tmp.resolve("answers.mrec");
        ReplayResult r = ReplayEngine.replay(
                TraceFidelity.trace("grep"),
                dying(DyingAllocator.Fate.ABORT, 50).withEmit(out));

        assertThat(r.death().call()).isEqualTo(50);
        assertThat(callsIn(out)).isEqualTo(49);
        try (var files = Files.list(tmp)) {
            assertThat(files).as("no temporary file is left").containsExactly(out);
        }
    }

    static long callsIn(Path trace) throws IOException {
        long n = 0;
        try (TraceReader in = Traces.open(trace)) {
            TraceEvent e = new TraceEvent();
            while (in.next(e)) {
                if (e.op == TraceEvent.FREE || TraceEvent.allocates(e.op)) {
                    n++;
                }
            }
        }
        return n;
    }
}
