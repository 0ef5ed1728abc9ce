package org.mallocsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.cli.BundledTraces.trace;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mallocsim replay --report, --tunable, --layout}: what they change and how they refuse bad input. */
class ReplayReportCommandTest {
    @TempDir
    Path tmp;

    @Test
    void reportWritesOneSelfContainedPageAndTheSummaryGainsHeapLinesAndWhereTheRssGoes() throws Exception {
        Path html = tmp.resolve("grep.html");
        Cli.Result r = Cli.run("replay", trace("grep").toString(), "--allocator", "glibc", "--report", html.toString());

        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
                .containsPattern(
                        "heap \\(writable memory the allocator mapped\\): peak [0-9]+ kB, end [0-9]+ kB; live data: peak [0-9]+ kB after call [0-9]+, end [0-9]+ kB\n")
                .containsPattern(
                        "fragmentation: [0-9.]+% of the heap holds no live data at the end, [0-9.]+% at its largest \\(call [0-9]+\\)\n")
                .containsPattern(
                        "resident at the end: [0-9]+ kB = live data [0-9]+ kB, chunk headers and padding [0-9]+ kB, free chunks [0-9]+ kB")
                .endsWith("report: " + html + "\n");
        String page = Files.readString(html);
        assertThat(page)
                .startsWith("<!DOCTYPE html>")
                .contains("uPlot (v1.6.32)")
                .contains("const REPORT = {\"trace\":\"grep.mrec.zst\"")
                .doesNotContainPattern("(src|href)=\"(https?:)?//");
        assertThat(Files.list(tmp)).as("no temporary file left").containsExactly(html);
    }

    @Test
    void reportRefusesTheTraceItselfAndAMissingDirectoryBeforeReplaying() throws Exception {
        Path input = tmp.resolve("in.mrec.zst");
        Files.copy(trace("git"), input);
        long size = Files.size(input);
        Cli.Result r = Cli.run("replay", input.toString(), "--report", input.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .startsWith("mallocsim replay: " + input + ": is also the input")
                .endsWith("\n");
        assertThat(Files.size(input)).isEqualTo(size);

        Path nowhere = tmp.resolve("no/such/dir/r.html");
        r = Cli.run("replay", input.toString(), "--report", nowhere.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .startsWith("mallocsim replay: " + nowhere + ": cannot write it")
                .contains("does not exist");

        Path both = tmp.resolve("both");
        r = Cli.run("replay", input.toString(), "--report", both.toString(), "--emit", both.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("mallocsim replay: --report and --emit name the same file " + both + "\n");
        assertThat(both).doesNotExist();
    }

    @Test
    void aTunableChangesWhatGlibcAnswers() {
        Cli.Result plain = Cli.run("replay", trace("grep").toString(), "--allocator", "glibc");
        Cli.Result noTcache = Cli.run(
                "replay",
                trace("grep").toString(),
                "--allocator",
                "glibc",
                "--tunable",
                "glibc.malloc.tcache_count=0",
                "--tunable",
                "glibc.malloc.mxfast=0");
        assertThat(plain.out()).contains("answers match the recorded ones");
        assertThat(noTcache.code()).isZero();
        assertThat(noTcache.out()).contains("answers differ from the recorded ones");
    }

    @Test
    void aBadTunableOrLayoutIsOneLine() {
        Cli.Result r = Cli.run("replay", trace("grep").toString(), "--tunable", "glibc.malloc.tcache_cuont=0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .startsWith("mallocsim replay: --tunable glibc.malloc.tcache_cuont=0: expected NAME=VALUE with a "
                        + "glibc.malloc tunable")
                .endsWith("and a value in its range\n");
        r = Cli.run("replay", trace("grep").toString(), "--tunable", "glibc.malloc.mxfast=lots");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("mallocsim replay: --tunable glibc.malloc.mxfast=lots: expected NAME=VALUE");
        r = Cli.run("replay", trace("grep").toString(), "--layout", "tidy");
        assertThat(r.err()).isEqualTo("mallocsim replay: --layout: expected recorded or clean, not 'tidy'\n");
    }

    @Test
    void aCleanLayoutStartsFromTheDefaultBreakInsteadOfTheRecordedOne() {
        Cli.Result recorded = Cli.run("replay", trace("grep").toString());
        Cli.Result clean = Cli.run("replay", trace("grep").toString(), "--layout", "clean");
        assertThat(recorded.out()).contains("break: start 0x55dd085ac000,");
        assertThat(clean.code()).isZero();
        assertThat(clean.out())
                .containsPattern("break: start 0x[0-9a-f]+,")
                .doesNotContain("break: start 0x55dd085ac000,");
    }
}
