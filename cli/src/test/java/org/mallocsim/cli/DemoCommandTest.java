package org.mallocsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void demoReplaysGrepFaithfullyAndWritesItsReport() throws Exception {
        Path html = tmp.resolve("demo.html");
        String[] run = run("demo", "--out", html.toString());
        assertThat(run[2]).as(run[1]).isEqualTo("0");
        assertThat(run[0])
                .contains("grep.mrec.zst replayed against the emulated process with glibc 2.36's malloc")
                .containsPattern("replay of grep\\.mrec\\.zst with glibc \\(touch none\\): 22888 calls")
                .contains("compare of grep.mrec.zst with glibc: 22888 calls recorded, 22888 replayed: faithful")
                .containsPattern("main-arena offset +[0-9]+ +[0-9]+ +100\\.00%")
                .contains("report: " + html.toAbsolutePath())
                .contains("xdg-open " + html.toAbsolutePath());
        String page = Files.readString(html);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("mallocsim replay of grep.mrec.zst with glibc");
    }

    @Test
    void demoRefusesToWriteItsReportOverTheTraceAndLeavesItAlone() throws Exception {
        Path trace = DemoCommand.bundledTrace(DemoCommand.DEFAULT_TRACE);
        Path copy = tmp.resolve("grep.mrec.zst");
        Files.copy(trace, copy);
        byte[] before = Files.readAllBytes(copy);
        String[] run = run("demo", "--trace", copy.toString(), "--out", copy.toString());
        assertThat(run[2]).isEqualTo("2");
        assertThat(run[1]).startsWith("mallocsim demo: ").contains(copy.toString());
        assertThat(Files.readAllBytes(copy)).isEqualTo(before);
    }

    @Test
    void theTourReproducesGrepsFirstBreakAndShowsTheFaultAndTheZeroPage() {
        String[] run = run("demo", "--tour");
        assertThat(run[2]).isEqualTo("0");
        assertThat(run[0])
                .contains("brk(0x55dd085cd000) = 0x55dd085cd000")
                .contains("was 0x55dd085cd000 -- the same.")
                .contains("55dd085ac000-55dd085cd000 rw-p 00000000 00:00 0                          [heap]")
                .contains("minor faults 0 -> 1, RssAnon 0 kB -> 4 kB")
                .containsPattern("PTE\\[[ 0-9]+\\] = 0x[0-9a-f]+ -> frame 0x0 present user accessed special")
                .contains("checked consistent");
    }

    /** {stdout, stderr, exit code}. */
    private static String[] run(String... args) {
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
        return new String[] {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), "" + code};
    }
}
