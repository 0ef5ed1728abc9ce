package org.mallocsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code mallocsim native --json}: the fields benchmarks/run.sh sets beside {@code replay --json}. */
class NativeCommandTest {
    private static Path trace(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path t = dir.resolve("traces").resolve(name + ".mrec.zst");
            if (Files.exists(t)) {
                return t;
            }
        }
        throw new IllegalStateException("traces/" + name + ".mrec.zst not found");
    }

    @Test
    void jsonGivesCallsOpsFaithfulnessAndNsPerCall() {
        Run r = run("native", trace("grep").toString(), "--json");

        assertThat(r.err).isEmpty();
        assertThat(r.code).isZero();
        assertThat(r.out).startsWith("{\n  \"trace\": \"grep.mrec.zst\",\n  \"allocator\": \"native glibc\",\n"
                        + "  \"touch\": \"none\",\n  \"calls\": 22888,\n  \"threads\": 1,\n")
                .contains("  \"faithful\": true,\n")
                .containsPattern("\n    \"m\": \\{ \"calls\": [1-9][0-9]*, \"nsPerCall\": [0-9]+ \\}")
                .containsPattern("\n  \"wallSeconds\": [0-9]+\\.[0-9]{6},\n  \"nsPerCall\": [0-9]+\n}\n$");
    }

    @Test
    void jsonWithoutComparisonLeavesFaithfulNull() {
        Run r = run("native", trace("grep").toString(), "--json", "--no-compare");

        assertThat(r.code).isZero();
        assertThat(r.out).contains("  \"faithful\": null,\n").contains("  \"calls\": 22888,\n");
    }

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
