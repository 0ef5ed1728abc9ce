package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mallocsim.traces.format.TraceHeader;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.natives.FidelityReport.Kind;

/** A forked child's trace replays on top of its parent's heap, found beside it as the recorder names it. */
class ForkReplayTest {
    @TempDir
    Path tmp;

    private static final String HEADER = "# mrec 1 glibc 2.36 nprocs 2 start-brk 0x555555559000\n";
    /** glibc's answers: malloc(100) right after the tcache, then the fork, then the parent frees it. */
    private static final String PARENT = HEADER
            + "1 m 100 = 0x5555555592a0 0x71 0x55555557a000\n"
            + "1 k 2 = 0x0 0x0 0x55555557a000\n"
            + "1 f 0x5555555592a0 = 0x0 0x0 0x55555557a000\n";
    /** The child's first block goes after the inherited one; the inherited one is freed and reused. */
    private static final String CHILD = HEADER + "# forked-from 1\n"
            + "2 m 200 = 0x555555559310 0xd1 0x55555557a000\n"
            + "2 f 0x5555555592a0 = 0x0 0x0 0x55555557a000\n"
            + "2 m 100 = 0x5555555592a0 0x71 0x55555557a000\n";

    @Test
    void aForkedChildStartsFromItsParentsHeapAtTheFork() throws IOException {
        Files.writeString(tmp.resolve("prog.mrec"), PARENT);
        Path child = Files.writeString(tmp.resolve("prog.mrec.2"), CHILD);

        TraceFidelity.Outcome o = TraceFidelity.replay(child, ReplayOptions.of("glibc"));

        assertThat(o.faithful()).as(o.describe()).isTrue();
        assertThat(o.report().recordedCalls())
                .as("only the child's calls are reported")
                .isEqualTo(3);
        assertThat(o.counts().get(Kind.MAIN_ARENA).total()).isEqualTo(2);
        assertThat(o.result().unknownPointers())
                .as("the inherited block is known")
                .isZero();
    }

    @Test
    void theParentMayBeAnExecdProgramOrItselfAForkedChild() throws IOException {
        Files.writeString(tmp.resolve("prog.mrec"), HEADER + "1 k 7 = 0x0 0x0 0x0\n");
        Files.writeString(tmp.resolve("prog.mrec.7"), HEADER + "# forked-from 1\n");
        Files.writeString(
                tmp.resolve("prog.mrec.7.exec1"),
                PARENT.replaceAll("(?m)^1 ", "7 ").replace(" k 2", " k 9"));
        Path grandchild = Files.writeString(
                tmp.resolve("prog.mrec.9"),
                CHILD.replace("forked-from 1", "forked-from 7").replaceAll("(?m)^2 ", "9 "));

        TraceFidelity.Outcome o = TraceFidelity.replay(grandchild, ReplayOptions.of("glibc"));

        assertThat(o.faithful()).as(o.describe()).isTrue();
        assertThat(ForkAncestry.of(grandchild, header(grandchild), false))
                .extracting(s -> s.trace().getFileName().toString())
                .containsExactly("prog.mrec.7.exec1");
    }

    @Test
    void aChainOfForksReplaysEveryAncestor() throws IOException {
        Files.writeString(
                tmp.resolve("prog.mrec"),
                HEADER + "1 m 100 = 0x5555555592a0 0x71 0x55555557a000\n" + "1 k 5 = 0x0 0x0 0x55555557a000\n");
        Files.writeString(
                tmp.resolve("prog.mrec.5"),
                HEADER + "# forked-from 1\n"
                        + "5 m 200 = 0x555555559310 0xd1 0x55555557a000\n"
                        + "5 k 6 = 0x0 0x0 0x55555557a000\n");
        Path grandchild = Files.writeString(
                tmp.resolve("prog.mrec.6"),
                HEADER + "# forked-from 5\n" + "6 m 40 = 0x5555555593e0 0x31 0x55555557a000\n");

        TraceFidelity.Outcome o = TraceFidelity.replay(grandchild, ReplayOptions.of("glibc"));

        assertThat(o.faithful()).as(o.describe()).isTrue();
        assertThat(ForkAncestry.of(grandchild, header(grandchild), false))
                .extracting(s -> s.trace().getFileName().toString() + " until " + s.childPid())
                .containsExactly("prog.mrec until 5", "prog.mrec.5 until 6");
    }

    @Test
    void aProgramExecdByAForkedChildStartsFromAFreshHeap() throws IOException {
        // the child exec'd before allocating: its program's trace notes the fork, but exec replaced the heap
        Path exec = Files.writeString(
                tmp.resolve("prog.mrec.2.exec1"),
                HEADER + "# forked-from 1\n" + "2 m 100 = 0x5555555592a0 0x71 0x55555557a000\n");

        TraceFidelity.Outcome o = TraceFidelity.replay(exec, ReplayOptions.of("glibc"));

        assertThat(o.faithful()).as(o.describe()).isTrue();
    }

    @Test
    void aChildWhoseParentsTraceIsMissingIsRefusedWithTheReason() throws IOException {
        Path child = Files.writeString(tmp.resolve("prog.mrec.2"), CHILD);

        assertThatThrownBy(() -> ReplayEngine.replay(child, ReplayOptions.of("glibc")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("prog.mrec.2")
                .hasMessageContaining("forked from pid 1")
                .hasMessageContaining("cannot be replayed alone");
    }

    @Test
    void aParentWithoutTheForkEventIsNotTheParent() throws IOException {
        Files.writeString(tmp.resolve("prog.mrec"), PARENT.replace(" k 2", " k 3"));
        Path child = Files.writeString(tmp.resolve("prog.mrec.2"), CHILD);

        assertThatThrownBy(() -> ReplayEngine.replay(child, ReplayOptions.of("glibc")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("forked from pid 1");
    }

    private static TraceHeader header(Path trace) throws IOException {
        try (TraceReader r = Traces.open(trace)) {
            return r.header();
        }
    }
}
