package org.mallocsim.traces.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A text trace whose header says {@code trailer end} (as the recorder writes it) closes with
 * {@code # end N}, so one cut at a line boundary is told from a whole one.
 */
class TextTrailerTest {
    private static final String HEAD = "# mrec 1 glibc 2.36 nprocs 2 start-brk 0x1000 trailer end\n";
    private static final String CALLS = "7 m 24 = 0x12a0 0x21 0x22000\n7 f 0x12a0 = 0x0 0x0 0x22000\n";

    private static long count(String text) throws IOException {
        try (TraceReader r = Traces.open(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t.mrec", false)) {
            TraceEvent e = new TraceEvent();
            long n = 0;
            while (r.next(e)) {
                n++;
            }
            return n;
        }
    }

    @Test
    void aWholeTraceReadsAndACutOneIsAnErrorNamingTheLine() throws IOException {
        assertThat(count(HEAD + CALLS + "# end 2\n")).isEqualTo(2);
        assertThatThrownBy(() -> count(HEAD + CALLS))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("t.mrec").hasMessageContaining("# end 2").hasMessageContaining("cut short");
        assertThatThrownBy(() -> count(HEAD + CALLS + "# end 3\n"))
                .isInstanceOf(TraceFormatException.class).hasMessageContaining("expected '# end 2'");
        assertThatThrownBy(() -> count(HEAD + CALLS + "# end 2\n" + CALLS))
                .isInstanceOf(TraceFormatException.class).hasMessageContaining("end of the file");
    }

    @Test
    void withoutThePromiseNoTrailerIsNeeded() throws IOException {
        assertThat(count(HEAD.replace(" trailer end", "") + CALLS)).isEqualTo(2);
    }

    @Test
    void theTrailerSurvivesARoundTripThroughTheBinaryFormat() throws IOException {
        String text = HEAD + CALLS + "# end 2\n";
        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        try (TraceReader in = Traces.open(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t.mrec", false);
                TraceWriter out = Traces.create(binary, TraceFormat.BINARY)) {
            Traces.copy(in, out);
        }
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        try (TraceReader in = Traces.open(new ByteArrayInputStream(binary.toByteArray()), "t.mrecb", false);
                TraceWriter out = Traces.create(back, TraceFormat.TEXT)) {
            Traces.copy(in, out);
        }
        assertThat(back.toString(StandardCharsets.UTF_8)).isEqualTo(text);
    }
}
