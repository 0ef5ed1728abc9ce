package org.mallocsim.traces.natives;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.natives.FidelityReport.Kind;

/**
 * The one comparison of answers: classes, fed a call at a time, streaming and batch alike, and the
 * first mismatch with both answers, in words.
 */
class FidelityReportTest {
    private static final String RECORDED = String.join(
            "\n",
            "# mrec 1 glibc 2.36 nprocs 2 start-brk 0x10000",
            "1 m 24 = 0x102a0 0x21 0x31000", // main arena
            "1 m 200000 = 0x7f0000000010 0x31002 0x31000", // mmapped
            "2 m 24 = 0x7e00040008c0 0x25 0x31000", // thread arena, heap 0
            "1 f 0x102a0 = 0x0 0x0 0x31000",
            "1 m 18446744073709551615 = 0x0 0x0 0x31000", // failed
            "");

    /** A small trace with a thread event, and a replay of it that moved the break once. */
    private static final String THREADED = """
            # mrec 1 start-brk 0x1000
            7 m 24 = 0x1010 0x21 0x22000
            7 t 0 = 0x0 0x0 0x22000
            7 f 0x1010 = 0x0 0x0 0x22000
            7 m 200000 = 0x7f0000000010 0x31002 0x22000
            """;

    private static final String THREADED_REPLAYED = """
            # mrec 1 start-brk 0x5000
            9 m 24 = 0x5010 0x21 0x26000
            9 f 0x5010 = 0x0 0x0 0x26000
            9 m 200000 = 0x7e0000000010 0x31002 0x27000
            """;

    private static ReferenceTrace trace(String text) throws IOException {
        return ReferenceTrace.read(stream(text), "test");
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static TraceReader open(String text) throws IOException {
        return Traces.open(stream(text), "text", false);
    }

    @Test
    void callsAreFedOneAtATimeAndTheFirstMismatchKeepsBothAnswers() {
        FidelityReport r = new FidelityReport(0x1000, 0x5000);
        assertThat(r.add('m', 2, 24, 0, 0x1010, 0x21, 0x22000, 0x5010, 0x21, 0x26000))
                .isTrue();
        assertThat(r.add('m', 3, 40, 0, 0x1040, 0x31, 0x22000, 0x5040, 0x41, 0x26000))
                .isFalse();
        r.addUnanswered();
        assertThat(r.recordedCalls()).isEqualTo(3);
        assertThat(r.replayedCalls()).isEqualTo(2);
        assertThat(r.faithful()).isFalse();
        assertThat(r.firstMismatch()).isEqualTo(1);
        FidelityReport.Mismatch m = r.firstMismatchAnswers();
        assertThat(m.call()).isEqualTo(1);
        assertThat(m.position()).isEqualTo(3);
        assertThat(m.op()).isEqualTo('m');
        assertThat(m.recorded()).containsExactly(0x1040, 0x31, 0x22000);
        assertThat(m.replayed()).containsExactly(0x5040, 0x41, 0x26000);
        assertThat(m.kinds()).containsExactly(Kind.CHUNK_WORD);
        assertThat(r.lines())
                .last()
                .isEqualTo("first mismatch: call 2 (index 1, position 3): m 40: recorded 0x1040"
                        + " (start-brk+0x40) chunk word 0x31 brk start-brk+0x21000; replayed 0x5040 (start-brk+0x40)"
                        + " chunk word 0x41 brk start-brk+0x21000; differs in: chunk word");
    }

    @Test
    void callsOnlyTheReplayMadeAreCountedAsReplayed() {
        FidelityReport r = new FidelityReport(0x1000, 0x5000);
        r.add('m', 2, 24, 0, 0x1010, 0x21, 0x22000, 0x5010, 0x21, 0x26000);
        r.addUnrecorded();
        assertThat(r.recordedCalls()).isEqualTo(1);
        assertThat(r.replayedCalls()).isEqualTo(2);
        assertThat(r.firstMismatch()).isEqualTo(-1);
        assertThat(r.firstMismatchAnswers()).isNull();
        assertThat(r.faithful()).isFalse();
    }

    @Test
    void streamingTwoTracesGivesTheInMemoryComparisonAndSkipsThreadEvents() throws Exception {
        FidelityReport streamed;
        try (TraceReader a = open(THREADED);
                TraceReader b = open(THREADED_REPLAYED)) {
            streamed = FidelityReport.compare(a, b);
        }
        FidelityReport inMemory = FidelityReport.compare(trace(THREADED), trace(THREADED_REPLAYED));
        assertThat(streamed.lines()).isEqualTo(inMemory.lines());
        assertThat(streamed.recordedCalls()).isEqualTo(3);
        assertThat(streamed.count(Kind.BRK)).isEqualTo(new FidelityReport.Count(2, 3));
        assertThat(streamed.firstMismatchAnswers().position()).isEqualTo(5);
    }

    @Test
    void answersAtTheSameOffsetsFromAnotherStartBrkMatchInEveryClass() throws IOException {
        String moved = RECORDED.replace("0x10000", "0x20000")
                .replace("0x102a0", "0x202a0")
                .replace("0x31000", "0x41000")
                .replace("0x7f0000000010", "0x7f1234567010")
                .replace("0x7e00040008c0", "0x7a00040008c0");
        FidelityReport r = FidelityReport.compare(trace(RECORDED), trace(moved));

        assertThat(r.faithful()).as(String.join("\n", r.lines())).isTrue();
        assertThat(r.count(Kind.BRK)).isEqualTo(new FidelityReport.Count(5, 5));
        assertThat(r.count(Kind.MAIN_ARENA)).isEqualTo(new FidelityReport.Count(1, 1));
        assertThat(r.count(Kind.MMAPPED)).isEqualTo(new FidelityReport.Count(1, 1));
        assertThat(r.count(Kind.MMAPPED_ABSOLUTE)).as("informational only").isEqualTo(new FidelityReport.Count(0, 1));
        assertThat(r.count(Kind.THREAD_ARENA)).isEqualTo(new FidelityReport.Count(1, 1));
        assertThat(r.count(Kind.NULL_RESULT)).isEqualTo(new FidelityReport.Count(1, 1));
        assertThat(r.firstMismatchDescription()).isEqualTo("none");
    }

    @Test
    void theFirstMismatchIsDescribedWithBothAnswers() throws IOException {
        String other = RECORDED.replace("2 m 24 = 0x7e00040008c0 0x25", "2 m 24 = 0x7e00040008d0 0x31");
        FidelityReport r = FidelityReport.compare(trace(RECORDED), trace(other));

        assertThat(r.faithful()).isFalse();
        assertThat(r.firstMismatch()).isEqualTo(2);
        assertThat(r.firstMismatchKinds()).containsExactly(Kind.CHUNK_WORD, Kind.THREAD_ARENA);
        assertThat(r.firstMismatchDescription())
                .isEqualTo("call 3 (index 2, position 4): m 24: recorded 0x7e00040008c0"
                        + " (heap offset 0x8c0) chunk word 0x25 brk start-brk+0x21000; replayed 0x7e00040008d0"
                        + " (heap offset 0x8d0) chunk word 0x31 brk start-brk+0x21000;"
                        + " differs in: chunk word, thread-arena heap+offset");
    }

    @Test
    void feedingCallByCallGivesWhatTheBatchComparisonGives() throws IOException {
        ReferenceTrace rec = trace(RECORDED);
        ReferenceTrace rep = trace(RECORDED.replace("0x21 0x31000", "0x31 0x32000"));
        FidelityReport batch = FidelityReport.compare(rec, rep);
        FidelityReport streamed = new FidelityReport(rec.startBrk(), rep.startBrk());
        for (int i = 0; i < rec.size(); i++) {
            streamed.add(
                    rec.op(i),
                    rec.position(i),
                    rec.arg1(i),
                    rec.arg2(i),
                    rec.result(i),
                    rec.chunkWord(i),
                    rec.brk(i),
                    rep.result(i),
                    rep.chunkWord(i),
                    rep.brk(i));
        }
        assertThat(streamed.lines()).isEqualTo(batch.lines());
        assertThat(streamed.firstMismatchDescription()).isEqualTo(batch.firstMismatchDescription());
    }

    @Test
    void comparingTwoStreamingReadersGivesWhatTheInMemoryComparisonGives() throws IOException {
        String rep = RECORDED.replace("0x21 0x31000", "0x31 0x32000")
                .replace("1 m 18446744073709551615 = 0x0 0x0 0x31000\n", "");
        String threaded = RECORDED.replace("2 m 24", "2 t 1 = 0x0 0x0 0x31000\n2 m 24");
        FidelityReport batch = FidelityReport.compare(trace(threaded), trace(rep));
        FidelityReport streamed;
        try (TraceReader a = Traces.open(stream(threaded), "recorded", false);
                TraceReader b = Traces.open(stream(rep), "replayed", false)) {
            streamed = FidelityReport.compare(a, b);
        }
        assertThat(streamed.lines()).isEqualTo(batch.lines());
        assertThat(streamed.recordedCalls()).isEqualTo(5);
        assertThat(streamed.replayedCalls())
                .as("the replay stopped a call early")
                .isEqualTo(4);
        assertThat(streamed.firstMismatchDescription()).isEqualTo(batch.firstMismatchDescription());
    }

    @Test
    void callsTheReplayNeverAnsweredKeepItFromBeingFaithful() throws IOException {
        ReferenceTrace rec = trace(RECORDED);
        FidelityReport r = new FidelityReport(rec.startBrk(), rec.startBrk());
        for (int i = 0; i < 2; i++) {
            r.add(
                    rec.op(i),
                    rec.position(i),
                    rec.arg1(i),
                    rec.arg2(i),
                    rec.result(i),
                    rec.chunkWord(i),
                    rec.brk(i),
                    rec.result(i),
                    rec.chunkWord(i),
                    rec.brk(i));
        }
        r.addUnanswered();
        r.addUnanswered();
        r.addUnanswered();
        assertThat(r.recordedCalls()).isEqualTo(5);
        assertThat(r.replayedCalls()).isEqualTo(2);
        assertThat(r.firstMismatch()).isEqualTo(-1);
        assertThat(r.faithful()).isFalse();
    }
}
