package org.mallocsim.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mallocsim.cli.Cli;
import org.mallocsim.traces.format.TraceFormat;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.TraceWriter;
import org.mallocsim.traces.format.Traces;

/** {@code mallocsim shell --maps} reads any trace and refuses what is not a process to start from. */
class ShellCommandTest {
    private static final Path GREP = Path.of("..", "traces", "grep.mrec.zst");
    /** grep's start-brk, from the header of traces/grep.mrec.zst. */
    private static final String GREP_BRK = "brk(NULL) = 0x55dd085ac000\n";

    @TempDir
    Path dir;

    @Test
    void compressedAndBinaryTracesAreListings() throws Exception {
        assertThat(Cli.shell("brk(NULL)\n", "--maps", GREP.toString()).out()).isEqualTo(GREP_BRK);
        Path binary = dir.resolve("grep.mrecb");
        try (TraceReader r = Traces.open(GREP);
                TraceWriter w = Traces.create(Files.newOutputStream(binary), TraceFormat.BINARY)) {
            Traces.copy(r, w);
        }
        Cli.Result r = Cli.shell("brk(NULL)\n", "--maps", binary.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo(GREP_BRK);
    }

    @Test
    void whatIsNotAProcessToStartFromIsAnErrorNamingTheFile() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello world\n");
        Path empty = Files.writeString(dir.resolve("empty"), "");
        Path brk = Files.writeString(
                dir.resolve("brk.mrec"),
                "# mrec 1 start-brk 0xffffffffffffffff\n"
                        + "# map 7ffea459c000-7ffea45bd000 rw-p 00000000 00:00 0                          [stack]\n");
        Path zero = Files.writeString(dir.resolve("zero.maps"), "0-1000 rw-p 00000000 00:00 0\n");
        Path thp = Files.writeString(
                dir.resolve("thp.mrec"),
                "# mrec 1 start-brk 0x1000000\n"
                        + "# map 7ffea459c000-7ffea45bd000 rw-p 00000000 00:00 0                          [stack]\n"
                        + "# kernel thp-enabled sometimes pku 0 zero-page 1\n");
        Path mtrace = Files.writeString(dir.resolve("t.mtrace"), "= Start\n@ ./t:[0x118b] + 0x55a5ddfa34a0 0x64\n");
        assertThat(Cli.shell("", "--maps", text.toString()).err())
                .startsWith("mallocsim shell: " + text + ": maps line 1: expected");
        assertThat(Cli.shell("", "--maps", empty.toString()).err())
                .isEqualTo("mallocsim shell: " + empty + ": empty; expected a trace or /proc/PID/maps lines\n");
        assertThat(Cli.shell("", "--maps", brk.toString()).err())
                .contains(brk + ": start-brk 0xffffffffffffffff is not");
        assertThat(Cli.shell("", "--maps", zero.toString()).err())
                .contains(zero + ": maps line 1: a mapping at 0x0 is below");
        assertThat(Cli.shell("", "--maps", thp.toString()).err())
                .isEqualTo("mallocsim shell: " + thp
                        + ": '# kernel' line: thp-enabled sometimes is not a value it can take"
                        + " (thp-enabled always|madvise|never, pku 0|1, zero-page 0|1)\n");
        assertThat(Cli.shell("", "--maps", mtrace.toString()).err())
                .contains(mtrace + ": the trace's header has no '# map'");
        assertThat(Cli.shell("", "--maps", dir.toString()).err())
                .isEqualTo("mallocsim shell: " + dir + ": is a directory\n");
        assertThat(Cli.shell("", "--maps", GREP.toString(), "--script", GREP.toString())
                        .err())
                .isEqualTo("mallocsim shell: " + GREP + ": not a text file (bytes that are not text)\n");
        assertThat(Cli.shell("", "--maps", zero.toString()).code()).isEqualTo(2);
    }

    @Test
    void aNativeListingIsATraceHeaderThatStartsTheSameProcess() throws Exception {
        Path listing = dir.resolve("listing.mrec");
        Cli.Result real = Cli.shell("brk(NULL)\n", "--native", "--listing-out", listing.toString());
        assertThat(Files.readString(listing))
                .startsWith("# mrec 1 start-brk 0x")
                .contains("\n# map ")
                .containsPattern("\n# kernel thp-enabled (always|madvise|never) pku [01] zero-page [01]\n");
        String brk =
                real.out().lines().filter(l -> l.startsWith("brk(")).findFirst().orElseThrow();
        assertThat(Cli.shell("brk(NULL)\n", "--maps", listing.toString()).out()).isEqualTo(brk + "\n");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {
            "demo", "shell", "native", "record", "generate", "replay", "compare", "convert", "sweep", "advise"
        }) {
            Cli.Result r = Cli.run(command, "--help");
            assertThat(r.code()).as(command).isZero();
            assertThat(r.out()).as(command).startsWith("Usage: mallocsim " + command);
            if (!command.equals("shell")) { // the shell's output is the session itself
                assertThat(r.out()).as(command).contains("--json");
            }
        }
    }

    @Test
    void thePolicyAndLayoutOptionsReadTheSameInEveryCommandThatTakesThem() {
        String replay = Cli.run("replay", "--help").out();
        String allocator = line(replay, "--allocator=NAME");
        String tunable = line(replay, "--tunable=glibc.malloc.NAME=VALUE");
        String layout = line(replay, "--layout=LAYOUT");
        assertThat(allocator).contains("allocation policy (default: glibc)");
        for (String command : new String[] {"compare", "shell"}) {
            String help = Cli.run(command, "--help").out();
            assertThat(line(help, "--allocator=NAME")).as(command).isEqualTo(allocator);
            assertThat(line(help, "--tunable=glibc.malloc.NAME=VALUE"))
                    .as(command)
                    .isEqualTo(tunable);
        }
        assertThat(line(Cli.run("shell", "--help").out(), "--layout=LAYOUT")).isEqualTo(layout);
        assertThat(Cli.run("shell", "--help").out()).contains("--allocator, --tunable and --layout go with");
        assertThat(Cli.run("compare", "--help").out()).doesNotContain("--layout");
    }

    /**
     * The help of {@code option}, its continuation lines included, with white space folded (the
     * description column moves with each command's longest option).
     */
    private static String line(String help, String option) {
        Matcher m = Pattern.compile("(?ms)^ +(?:-\\w, )?" + Pattern.quote(option) + "(.*?)(?=^ +-|\\z)")
                .matcher(help);
        assertThat(m.find()).as(option).isTrue();
        return m.group(1).strip().replaceAll("\\s+", " ");
    }

    @Test
    void exitEndsAPipedSession() {
        Cli.Result r = Cli.shell("brk(NULL)\nexit\nbrk(NULL)\n");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("brk(NULL) = 0x555555559000\n");
    }
}
