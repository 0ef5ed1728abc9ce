package org.mallocsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void demoReplaysGrepFaithfullyAndWritesItsReport() throws Exception {
        Path html = tmp.resolve("demo.html");
        Cli.Result run = Cli.run("demo", "--out", html.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out())
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
        Cli.Result run = Cli.run("demo", "--trace", copy.toString(), "--out", copy.toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).startsWith("mallocsim demo: ").contains(copy.toString());
        assertThat(Files.readAllBytes(copy)).isEqualTo(before);
    }

    @Test
    void theTourReproducesGrepsFirstBreakAndShowsTheFaultAndTheZeroPage() {
        Cli.Result run = Cli.run("demo", "--tour");
        assertThat(run.code()).isZero();
        assertThat(run.out())
                .contains("brk(0x55dd085cd000) = 0x55dd085cd000")
                .contains("was 0x55dd085cd000 -- the same.")
                .contains("55dd085ac000-55dd085cd000 rw-p 00000000 00:00 0                          [heap]")
                .contains("minor faults 0 -> 1, RssAnon 0 kB -> 4 kB")
                .containsPattern("PTE\\[[ 0-9]+\\] = 0x[0-9a-f]+ -> frame 0x0 present user accessed special")
                .contains("checked consistent");
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonIsTheReplayWithItsVerdictAndTheReportPath() throws Exception {
        Path html = tmp.resolve("demo.html");
        Cli.Result run = Cli.run("demo", "--out", html.toString(), "--json");
        assertThat(run.code()).as(run.err()).isZero();
        Map<String, Object> j = JsonParser.object(run.out());
        assertThat(j.keySet()).containsExactly("replay", "faithful", "report");
        assertThat(j)
                .containsEntry("faithful", true)
                .containsEntry("report", html.toAbsolutePath().toString());
        Map<String, Object> replay = (Map<String, Object>) j.get("replay");
        assertThat(replay)
                .containsEntry("trace", "grep.mrec.zst")
                .containsEntry("allocator", "glibc")
                .containsEntry("calls", 22888L)
                .containsKey("nsPerCall");
        assertThat((Map<String, Object>) replay.get("fidelity")).containsEntry("faithful", true);
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>");
    }
}
