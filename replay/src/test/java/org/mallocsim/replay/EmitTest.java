package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceFormat;
import org.mallocsim.traces.format.TraceHeader;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.gen.WorkloadGenerator;

/** {@code --emit}: the emulated answers as a trace the readers read back, written safely. */
class EmitTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"answers.mrec", "answers.mrec.zst", "answers.mrecb", "answers.mrecb.zst"})
    void theEmittedAnswersReadBackCallForCallInTheFormatTheNameAsksFor(String name) throws IOException {
        Path trace = TraceFidelity.trace("tar");
        Path out = tmp.resolve(name);
        ReplayResult r = ReplayEngine.replay(trace, ReplayOptions.of("bump").withEmit(out));

        assertThat(EmitFile.formatFor(out))
                .isEqualTo(
                        name.endsWith(".mrecb")
                                ? TraceFormat.BINARY
                                : name.endsWith(".mrecb.zst")
                                        ? TraceFormat.BINARY_ZSTD
                                        : name.endsWith(".zst") ? TraceFormat.TEXT_ZSTD : TraceFormat.TEXT);
        byte[] head = Files.readAllBytes(out);
        if (name.endsWith(".zst")) {
            assertThat(head).startsWith((byte) 0x28, (byte) 0xb5, (byte) 0x2f, (byte) 0xfd);
        }
        try (TraceReader recorded = Traces.open(trace);
                TraceReader emitted = Traces.open(out)) {
            TraceHeader h = emitted.header();
            assertThat(h.startBrk).isEqualTo(r.startBrk());
            assertThat(h.maps).isEqualTo(recorded.header().maps);
            assertThat(h.glibcVersion).isEqualTo(recorded.header().glibcVersion);
            assertThat(h.otherLines).contains("answered-by mallocsim bump");
            TraceEvent a = new TraceEvent();
            TraceEvent b = new TraceEvent();
            long n = 0;
            while (recorded.next(a)) {
                assertThat(emitted.next(b)).isTrue();
                assertThat(b.op).isEqualTo(a.op);
                assertThat(b.tid).isEqualTo(a.tid);
                if (a.op != TraceEvent.FREE && a.op != TraceEvent.REALLOC) {
                    assertThat(b.arg0).isEqualTo(a.arg0);
                }
                assertThat(b.arg1).isEqualTo(a.arg1);
                n++;
            }
            assertThat(emitted.next(b)).isFalse();
            assertThat(n).isEqualTo(r.events());
        }
        try (var files = Files.list(tmp)) {
            assertThat(files).containsExactly(out);
        }
    }

    @Test
    void anEmittedTraceReplaysToTheSameAnswers() throws IOException {
        Path gen = tmp.resolve("gen.mrecb");
        ReplayEngineTest.generate(gen, WorkloadGenerator.Shape.MIXED, 5, 10_000, 2);
        Path first = tmp.resolve("first.mrec");
        Path second = tmp.resolve("second.mrec");
        ReplayEngine.replay(gen, ReplayOptions.of("bump").withEmit(first));
        ReplayResult again = ReplayEngine.replay(first, ReplayOptions.of("bump").withEmit(second));

        assertThat(again.fidelity()).as("emitted answers are answers").isNotNull();
        assertThat(again.fidelity().faithful())
                .as(again.fidelity().firstMismatchDescription())
                .isTrue();
        assertThat(Files.readString(second)).isEqualTo(Files.readString(first));
    }

    @Test
    void emitRefusesToOverwriteTheInputTrace() throws IOException {
        Path trace = tmp.resolve("in.mrec");
        ReplayEngineTest.generate(trace, WorkloadGenerator.Shape.SIMPLE, 1, 100, 1);
        byte[] before = Files.readAllBytes(trace);

        assertThatThrownBy(() ->
                        ReplayEngine.replay(trace, ReplayOptions.of("bump").withEmit(trace)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("refusing to write over it")
                .hasMessageContaining(trace.toString());
        Path sameFileOtherName = tmp.resolve("sub/../in.mrec");
        Files.createDirectories(tmp.resolve("sub"));
        assertThatThrownBy(() ->
                        ReplayEngine.replay(trace, ReplayOptions.of("bump").withEmit(sameFileOtherName)))
                .hasMessageContaining("refusing to write over it");
        assertThat(Files.readAllBytes(trace)).isEqualTo(before);
    }

    @Test
    void anEmitFileInAMissingDirectoryIsNamedInTheError() {
        Path out = tmp.resolve("no/such/dir/out.mrec");
        assertThatThrownBy(() -> ReplayEngine.replay(
                        TraceFidelity.trace("git"), ReplayOptions.of("bump").withEmit(out)))
                .isInstanceOf(IOException.class)
                .hasMessage(out + ": cannot write it, " + out.getParent() + ": the directory does not exist");
    }

    @Test
    void aReplayThatFailsLeavesNeitherTheTargetNorATemporaryFile() throws IOException {
        Path trace = tmp.resolve("broken.mrec");
        Files.writeString(trace, "# mrec 1 start-brk 0x1000\n1 m 10 = 0x1010 0x21 0x21000\n1 q what\n");
        Path out = tmp.resolve("out.mrec");

        assertThatThrownBy(() ->
                        ReplayEngine.replay(trace, ReplayOptions.of("bump").withEmit(out)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(trace.toString())
                .hasMessageContaining("line 3");
        try (var files = Files.list(tmp)) {
            assertThat(files).containsExactly(trace);
        }
    }
}
