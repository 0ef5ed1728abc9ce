package org.mallocsim.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private static Cli.Result shell(String stdin, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "shell";
        System.arraycopy(args, 0, all, 1, args.length);
        return Cli.run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), all);
    }

    @Test
    void compressedAndBinaryTracesAreListings() throws Exception {
        assertThat(shell("brk(NULL)\n", "--maps", GREP.toString()).out()).isEqualTo(GREP_BRK);
        Path binary = dir.resolve("grep.mrecb");
        try (TraceReader r = Traces.open(GREP);
                TraceWriter w = Traces.create(Files.newOutputStream(binary), TraceFormat.BINARY)) {
            Traces.copy(r, w);
        }
        Cli.Result r = shell("brk(NULL)\n", "--maps", binary.toString());
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
        assertThat(shell("", "--maps", text.toString()).err())
                .startsWith("mallocsim shell: " + text + ": maps line 1: expected");
        assertThat(shell("", "--maps", empty.toString()).err())
                .isEqualTo("mallocsim shell: " + empty + ": empty; expected a trace or /proc/PID/maps lines\n");
        assertThat(shell("", "--maps", brk.toString()).err()).contains(brk + ": start-brk 0xffffffffffffffff is not");
        assertThat(shell("", "--maps", zero.toString()).err())
                .contains(zero + ": maps line 1: a mapping at 0x0 is below");
        assertThat(shell("", "--maps", thp.toString()).err())
                .isEqualTo("mallocsim shell: " + thp
                        + ": '# kernel' line: thp-enabled sometimes is not a value it can take"
                        + " (thp-enabled always|madvise|never, pku 0|1, zero-page 0|1)\n");
        assertThat(shell("", "--maps", mtrace.toString()).err())
                .contains(mtrace + ": the trace's header has no '# map'");
        assertThat(shell("", "--maps", dir.toString()).err())
                .isEqualTo("mallocsim shell: " + dir + ": is a directory\n");
        assertThat(shell("", "--maps", GREP.toString(), "--script", GREP.toString())
                        .err())
                .isEqualTo("mallocsim shell: " + GREP + ": not a text file (bytes that are not text)\n");
        assertThat(shell("", "--maps", zero.toString()).code()).isEqualTo(2);
    }

    @Test
    void aNativeListingIsATraceHeaderThatStartsTheSameProcess() throws Exception {
        Path listing = dir.resolve("listing.mrec");
        Cli.Result real = shell("brk(NULL)\n", "--native", "--listing-out", listing.toString());
        assertThat(Files.readString(listing))
                .startsWith("# mrec 1 start-brk 0x")
                .contains("\n# map ")
                .containsPattern("\n# kernel thp-enabled (always|madvise|never) pku [01] zero-page [01]\n");
        String brk =
                real.out().lines().filter(l -> l.startsWith("brk(")).findFirst().orElseThrow();
        assertThat(shell("brk(NULL)\n", "--maps", listing.toString()).out()).isEqualTo(brk + "\n");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"demo", "shell", "generate", "native", "record"}) {
            Cli.Result r = Cli.run(command, "--help");
            assertThat(r.code()).as(command).isZero();
            assertThat(r.out()).as(command).startsWith("Usage: mallocsim " + command);
        }
    }

    @Test
    void exitEndsAPipedSession() {
        Cli.Result r = shell("brk(NULL)\nexit\nbrk(NULL)\n");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("brk(NULL) = 0x555555559000\n");
    }
}
