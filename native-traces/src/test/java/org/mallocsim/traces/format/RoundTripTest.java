package org.mallocsim.traces.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RoundTripTest {
    static List<Path> traces() {
        return SharedTraces.all();
    }

    @ParameterizedTest
    @MethodSource("traces")
    void readingThenWritingTextGivesTheIdenticalBytes(Path trace) throws IOException {
        SharedTraces.Comparing cmp = new SharedTraces.Comparing(SharedTraces.decompressed(trace));
        try (TraceReader r = Traces.open(trace);
                TraceWriter w = Traces.create(cmp, TraceFormat.TEXT)) {
            Traces.copy(r, w);
        }
        assertThat(cmp.firstMismatch).as("first differing byte").isEqualTo(-1);
        assertThat(cmp.expectedHasMore()).as("text left unwritten").isFalse();
    }

    @ParameterizedTest
    @MethodSource("traces")
    void textToBinaryToTextGivesTheIdenticalBytesAtLeastFiveTimesSmaller(Path trace) throws IOException {
        ByteArrayOutputStream bin = new ByteArrayOutputStream();
        long events;
        try (TraceReader r = Traces.open(trace);
                TraceWriter w = Traces.create(bin, TraceFormat.BINARY)) {
            events = Traces.copy(r, w);
        }
        SharedTraces.Comparing cmp = new SharedTraces.Comparing(SharedTraces.decompressed(trace));
        try (TraceReader r = Traces.open(new ByteArrayInputStream(bin.toByteArray()), "binary", false);
                TraceWriter w = Traces.create(cmp, TraceFormat.TEXT)) {
            assertThat(Traces.copy(r, w)).isEqualTo(events);
        }
        assertThat(cmp.firstMismatch).as("first differing byte").isEqualTo(-1);
        assertThat(cmp.expectedHasMore()).as("text left unwritten").isFalse();
        double ratio = (double) cmp.offset / bin.size();
        System.out.printf(
                "size %s: text %d B, binary %d B, ratio %.2f, %d events%n",
                trace.getFileName(), cmp.offset, bin.size(), ratio, events);
        assertThat(ratio).isGreaterThanOrEqualTo(5.0);
    }
}
