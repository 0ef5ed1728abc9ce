package org.mallocsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** No progress bar reaches output that is not a terminal (as under a build, a pipe or CI). */
class ProgressTest {
    @Test
    void withoutATerminalLongWorkDrawsNothing() throws Exception {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try (Progress p = Progress.start("work", "items", 100)) {
                Thread.sleep(1100); // past the one-second delay
                p.stepTo(50);
                p.stepTo(100);
            }
        } finally {
            System.setErr(old);
        }
        assertThat(System.console()).isNull();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
