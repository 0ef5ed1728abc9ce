package org.mallocsim.traces.natives;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;

/** The report is fed a call at a time, and the streaming comparison gives what the in-memory one does. */
class FidelityReportTest {
    private static final String RECORDED = """
            # mrec 1 start-brk 0x1000
            7 m 24 = 0x1010 0x21 0x22000
            7 t 0 = 0x0 0x0 0x22000
            7 f 0x1010 = 0x0 0x0 0x22000
            7 m 200000 = 0x7f0000000010 0x31002 0x22000
            """;
    private static final String REPLAYED = """
            # mrec 1 start-brk 0x5000
            9 m 24 = 0x5010 0x21 0x26000
            9 f 0x5010 = 0x0 0x0 0x26000
            9 m 200000 = 0x7e0000000010 0x31002 0x27000
            """;

    @Test
    void callsAreFedOneAtATimeAndTheFirstMismatchKeepsBothAnswers() {
        FidelityReport r = new FidelityReport(0x1000, 0x5000);
        assertThat(r.add('m', 2, 0x1010, 0x21, 0x22000, 0x5010, 0x21, 0x26000)).isTrue();
        assertThat(r.add('m', 3, 0x1040, 0x31, 0x22000, 0x5040, 0x41, 0x26000)).isFalse();
        r.recordedOnly();
        assertThat(r.recordedCalls()).isEqualTo(3);
        assertThat(r.replayedCalls()).isEqualTo(2);
        assertThat(r.faithful()).isFalse();
        assertThat(r.firstMismatch()).isEqualTo(1);
        assertThat(r.lines()).last().isEqualTo("first mismatch: call 2 (position 3, op m): recorded 0x1040 0x31 "
                + "0x22000, replayed 0x5040 0x41 0x26000 (result chunk-word brk)");
    }

    @Test
    void streamingTwoTracesGivesTheInMemoryComparisonAndSkipsThreadEvents() throws Exception {
        FidelityReport streamed;
        try (TraceReader a = open(RECORDED); TraceReader b = open(REPLAYED)) {
            streamed = TraceComparison.compare(a, b, n -> { });
        }
        FidelityReport inMemory = FidelityReport.compare(
                ReferenceTrace.read(new ByteArrayInputStream(RECORDED.getBytes(StandardCharsets.US_ASCII)), "a"),
                ReferenceTrace.read(new ByteArrayInputStream(REPLAYED.getBytes(StandardCharsets.US_ASCII)), "b"));
        assertThat(streamed.lines()).isEqualTo(inMemory.lines());
        assertThat(streamed.recordedCalls()).isEqualTo(3);
        assertThat(streamed.count(FidelityReport.Kind.BRK)).isEqualTo(new FidelityReport.Count(2, 3));
        assertThat(streamed.firstMismatchAnswers().position()).isEqualTo(5);
    }

    private static TraceReader open(String text) throws Exception {
        return Traces.open(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), "text", false);
    }
}
