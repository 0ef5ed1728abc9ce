package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mallocsim.traces.natives.FidelityReport.Kind;

/** The fidelity helper the allocator work relies on: counts, the first mismatch, and 100% when answers agree. */
class TraceFidelityTest {
    @TempDir
    Path tmp;

    @Test
    void theBumpAllocatorDiffersFromGlibcAtGrepsFirstMallocAndSaysHow() throws IOException {
        TraceFidelity.Outcome o = TraceFidelity.replay("grep", "bump");

        assertThat(o.faithful()).isFalse();
        assertThat(o.report().firstMismatch()).isZero();
        // glibc's first chunk sits after the 0x290-byte tcache_perthread_struct; bump's at start-brk
        assertThat(o.firstMismatch())
                .startsWith("call 1 (index 0, position ")
                .containsPattern("^call 1 \\(index 0, position [0-9]+\\): m ")
                .contains("recorded 0x")
                .contains("(start-brk+0x2a0)")
                .contains("replayed 0x")
                .contains("(start-brk+0x10)")
                .contains("differs in: ")
                .contains("main-arena offset");
        long calls = ProcessDeathTest.callsIn(TraceFidelity.trace("grep"));
        assertThat(o.report().recordedCalls()).isEqualTo(calls);
        assertThat(o.counts().get(Kind.BRK).total()).isEqualTo(calls);
        assertThat(o.counts().get(Kind.CHUNK_WORD).matched())
                .as("bump's chunk words are glibc-shaped")
                .isPositive();
        assertThat(o.describe()).contains("main-arena offset: ").contains("first mismatch: call 1 (index 0, position ");
    }

    @Test
    void theContextShowsTheRecordedCallsUpToTheFirstMismatch() throws IOException {
        Path answers = tmp.resolve("tar-bump.mrec");
        ReplayEngine.replay(TraceFidelity.trace("tar"), ReplayOptions.of("bump").withEmit(answers));
        // a policy that answers like bump until call 101, then gives a block 16 bytes further on
        TraceFidelity.Outcome o = TraceFidelity.replay(
                answers, ReplayOptions.of("shifted", (space, options) -> new ShiftedAfter(space, 101)));

        assertThat(o.report().firstMismatch()).isEqualTo(100);
        String context = o.contextBeforeFirstMismatch(3);
        assertThat(context.lines()).hasSize(4);
        assertThat(context).startsWith("[97] ").contains("\n[100] ");
        assertThat(new TraceFidelity.Outcome(answers, ReplayEngine.replay(answers, ReplayOptions.of("bump")))
                        .contextBeforeFirstMismatch(3))
                .isEmpty();
    }

    @Test
    void replayingAnAllocatorsOwnAnswersIsFaithfulInEveryClass() throws IOException {
        Path answers = tmp.resolve("grep-bump.mrec.zst");
        ReplayEngine.replay(
                TraceFidelity.trace("grep"), ReplayOptions.of("bump").withEmit(answers));

        TraceFidelity.Outcome o = TraceFidelity.replay(answers, ReplayOptions.of("bump"));

        assertThat(o.faithful()).as(o.describe()).isTrue();
        assertThat(o.firstMismatch()).isEqualTo("none");
        assertThat(o.counts().get(Kind.MAIN_ARENA).total()).isPositive();
        assertThat(o.counts().get(Kind.MAIN_ARENA).complete()).isTrue();
    }
}
