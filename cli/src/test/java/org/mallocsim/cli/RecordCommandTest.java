package org.mallocsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mallocsim record}: names the trace it wrote, and says so when the program left none. */
class RecordCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aProgramThatAllocatesGetsItsTraceNamed() {
        Path out = tmp.resolve("sort.mrecb");
        String err = record(out, "sort", "/etc/passwd");

        assertThat(out).exists();
        assertThat(err).isEqualTo("mallocsim record: trace " + out + "\n");
    }

    @Test
    void aProgramThatNeverAllocatesIsReportedWithoutATrace() {
        Path out = tmp.resolve("true.mrecb");
        String err = record(out, "true");

        assertThat(Files.exists(out)).isFalse();
        assertThat(err).isEqualTo("mallocsim record: no trace: true made no allocator call, so " + out
                + " was not written\n");
    }

    private static String record(Path out, String... command) {
        String[] args = new String[3 + command.length];
        args[0] = "record";
        args[1] = "-o";
        args[2] = out.toString();
        System.arraycopy(command, 0, args, 3, command.length);
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        assertThat(code).isZero();
        return err.toString(StandardCharsets.UTF_8);
    }
}
