package org.mallocsim.traces.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BadInputTest {
    private static final String HEAD = "# mrec 1 glibc 2.36 nprocs 2 start-brk 0x1000\n";

    private static long readAll(byte[] bytes, boolean lenient) throws IOException {
        try (TraceReader r = Traces.open(new ByteArrayInputStream(bytes), "bad.mrec", lenient)) {
            TraceEvent e = new TraceEvent();
            long n = 0;
            while (r.next(e)) {
                n++;
            }
            return n * 1000 + r.warnings();
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "1 z 5 = 0x0 0x0 0x1000|line 2: expected an op",
                "1 m 5 = 0x10 0x21|line 2: expected a single space",
                "1 m 5 = 0x10 0x21 0x1000 7|line 2: expected the end of the line",
                "1 m 5 = 0xg0 0x21 0x1000|line 2: expected a result pointer in hex: hex digits after",
                "1 m 5 = 10 0x21 0x1000|line 2: expected a result pointer in hex",
                "1 f 0x = 0x0 0x0 0x1000|line 2: expected a pointer in hex: hex digits",
                "x m 5 = 0x10 0x21 0x1000|line 2: expected a decimal thread id",
                "1 m 99999999999999999999 = 0x10 0x21 0x1000|line 2: expected a decimal size below 2^64",
                "1 c 5 = 0x10 0x21 0x1000|line 2: expected a decimal size at column 7",
            })
    void aMalformedTextLineNamesFileLineAndWhatWasExpected(String line, String message) {
        byte[] bytes = (HEAD + line + "\n").getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> readAll(bytes, false))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageStartingWith("bad.mrec: ")
                .hasMessageContaining(message);
    }

    @Test
    void lenientModeSkipsMalformedLinesAndCountsThem() throws IOException {
        String text = HEAD + "1 m 5 = 0x10 0x21 0x1000\n1 q\n\n1 f 0x10 = 0x0 0x0 0x1000\n";
        assertThat(readAll(text.getBytes(StandardCharsets.US_ASCII), true)).isEqualTo(2002);
    }

    private static final String PROMISE = "# mrec 1 glibc 2.36 nprocs 2 start-brk 0x1000 end line\n";
    private static final String TWO = "1 m 5 = 0x1010 0x21 0x1000\n1 f 0x1010 = 0x0 0x0 0x1000\n";

    @Test
    void aTextTraceThatPromisesAnEndLineIsCompleteOnlyWithIt() throws IOException {
        assertThat(readAll((PROMISE + TWO + "# end 2\n").getBytes(StandardCharsets.US_ASCII), false))
                .isEqualTo(2000);
        assertThat(readAll((PROMISE + "# end 0\n").getBytes(StandardCharsets.US_ASCII), false))
                .isZero();
        assertThat(readAll((HEAD + TWO).getBytes(StandardCharsets.US_ASCII), false))
                .as("no promise (the shared traces): no end line needed")
                .isEqualTo(2000);
    }

    @Test
    void aTextTraceCutAtALineBoundaryIsDetectedWhenTheHeaderPromisesTheEndLine() {
        byte[] cut = (PROMISE + TWO).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> readAll(cut, false))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("line 3: expected the closing line '# end 2'")
                .hasMessageContaining("truncated trace");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "# end 3\\n|line 4: expected the end line '# end 2', found '# end 3'",
                "# end 2\\n1 m 5 = 0x1010 0x21 0x1000\\n|line 5: expected nothing after the line '# end 2'",
                "# end 2 x\\n|line 4: expected the end line '# end 2'",
            })
    void aWrongOrMisplacedEndLineIsAnError(String tail, String message) {
        byte[] bytes = (PROMISE + TWO + tail.replace("\\n", "\n")).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> readAll(bytes, false))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining(message);
    }

    @Test
    void inLenientModeAMissingEndLineIsACountedWarning() throws IOException {
        assertThat(readAll((PROMISE + TWO).getBytes(StandardCharsets.US_ASCII), true))
                .isEqualTo(2001);
    }

    @Test
    void theWritersCloseAPromisingTraceWithItsEndLineAndKeepThePromiseThroughBinary() throws IOException {
        byte[] text = (PROMISE + TWO + "# end 2\n").getBytes(StandardCharsets.US_ASCII);
        for (TraceFormat via : new TraceFormat[] {TraceFormat.TEXT, TraceFormat.BINARY}) {
            ByteArrayOutputStream mid = new ByteArrayOutputStream();
            try (TraceReader r = Traces.open(new ByteArrayInputStream(text), "in", false);
                    TraceWriter w = Traces.create(mid, via)) {
                Traces.copy(r, w);
            }
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            try (TraceReader r = Traces.open(new ByteArrayInputStream(mid.toByteArray()), "mid", false);
                    TraceWriter w = Traces.create(back, TraceFormat.TEXT)) {
                Traces.copy(r, w);
            }
            assertThat(back.toByteArray()).as("via " + via).isEqualTo(text);
        }
    }

    @Test
    void aTruncatedBinaryTraceReportsTheByteOffsetWhereDataRanOut() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TraceWriter w = Traces.create(out, TraceFormat.BINARY)) {
            w.writeHeader(new TraceHeader().startBrk(0x1000));
            w.write(new TraceEvent().set(1, TraceEvent.MALLOC, 5, 0, 0x1010, 0x21, 0x1000));
        }
        byte[] all = out.toByteArray();
        byte[] cut = Arrays.copyOf(all, all.length - 3);
        assertThatThrownBy(() -> readAll(cut, false))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("byte offset " + cut.length)
                .hasMessageContaining("truncated");
    }

    @Test
    void aFreeOfAnUnknownPointerOrADoubleFreeIsAnErrorOrACountedWarning() throws IOException {
        TraceEvent e = new TraceEvent();
        TraceValidator strict = new TraceValidator("v.mrec", false);
        strict.check(e.set(1, TraceEvent.MALLOC, 5, 0, 0x10, 0x21, 0));
        e.position = 3;
        strict.check(e.set(1, TraceEvent.FREE, 0x10, 0, 0, 0, 0));
        assertThatThrownBy(() -> strict.check(e))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("v.mrec: line 3: expected free of a live pointer");
        TraceValidator lenient = new TraceValidator("v.mrec", true);
        lenient.check(e.set(1, TraceEvent.FREE, 0x99, 0, 0, 0, 0));
        lenient.check(e.set(1, TraceEvent.REALLOC, 0x98, 5, 0x40, 0x21, 0));
        assertThat(lenient.warnings()).isEqualTo(2);
        assertThat(lenient.liveCount()).isEqualTo(1);
    }

    @Test
    void aTruncatedZstdTraceIsAFormatErrorNotAnIoError() throws IOException {
        byte[] whole = java.nio.file.Files.readAllBytes(SharedTraces.named("git"));
        byte[] cut = Arrays.copyOf(whole, whole.length / 2);
        assertThatThrownBy(() -> readAll(cut, false))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageStartingWith("bad.mrec: ");
    }

    @Test
    void anUnrecognizedFileIsAFormatError() {
        assertThatThrownBy(() -> readAll("hello\n".getBytes(StandardCharsets.US_ASCII), false))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("expected a trace");
    }
}
