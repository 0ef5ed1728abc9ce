package org.mallocsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mallocsim replay}: the report, the JSON, --emit, and one clear line for every error. */
class ReplayCommandTest {
    @TempDir
    Path tmp;

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
    void glibcIsTheDefaultAllocatorAndReproducesTheRecordedAnswers() {
        Run r = run("replay", trace("grep").toString());

        assertThat(r.code).isZero();
        assertThat(r.out)
                .startsWith("replay of grep.mrec.zst with glibc (touch none): 22888 calls in ")
                .contains("answers match the recorded ones:\n  calls: 22888 recorded, 22888 replayed\n")
                .contains("  chunk word: 11533/11533\n", "  first mismatch: none");
    }

    @Test
    void theReportShowsCallsMemorySyscallsFaultsAndFidelity() {
        Run r = run("replay", trace("grep").toString(), "--touch", "pages", "--allocator", "bump");

        assertThat(r.code).isZero();
        assertThat(r.err).isEmpty();
        assertThat(r.out)
                .startsWith("replay of grep.mrec.zst with bump (touch pages): 22888 calls in ")
                .containsPattern("calls/s, [0-9]+ ns/call\n")
                .containsPattern("memory: VmPeak [0-9]+ kB, VmSize [0-9]+ kB, VmHWM [0-9]+ kB, VmRSS [0-9]+ kB")
                .containsPattern("syscalls: brk [0-9]+, mmap 1, munmap 0, mprotect 0, mremap 0, madvise 0\n")
                .containsPattern("faults: [1-9][0-9]* minor")
                .contains("answers differ from the recorded ones:\n  calls: 22888 recorded, 22888 replayed\n")
                .containsPattern(
                        "  first mismatch: call 1 \\(index 0, position [0-9]+\\): m 5: recorded 0x55dd085ac2a0");
    }

    @Test
    void everyPolicyReportsItsFragmentationAndItsCostPerCall() {
        String known = run("replay", trace("diff").toString(), "--allocator", "nonesuch").err;
        String[] policies = known.substring(known.indexOf("(known: ") + 8, known.indexOf(')'))
                .split(", ");
        assertThat(policies).hasSizeGreaterThan(2);
        for (String policy : policies) {
            Run r = run("replay", trace("diff").toString(), "--allocator", policy);
            assertThat(r.code).as(policy + ": " + r.err).isZero();
            assertThat(r.out)
                    .as(policy)
                    .containsPattern(
                            "heap at peak live: [1-9][0-9]* B live, [1-9][0-9]* B heap \\(\\+[0-9.]+%\\); at peak heap: ")
                    .containsPattern("fragmentation at peak heap: [0-9]+ B internal, [0-9]+ B external and overhead;")
                    .containsPattern("cost: [1-9][0-9]*\\.[0-9]{2} memory accesses/call, [0-9]+ ns/call\n");
        }
        Run json = run("replay", trace("diff").toString(), "--allocator", "tlsf", "--json", "--no-timing");
        assertThat(json.out)
                .contains("\"fragmentation\": {\n    \"peakLiveBytes\": ")
                .contains("\"accessesPerCall\": ");
    }

    @Test
    void jsonWithoutTimingIsTheSameEveryRun() {
        Run a = run("replay", trace("diff").toString(), "--json", "--no-timing");
        Run b = run("replay", trace("diff").toString(), "--json", "--no-timing");

        assertThat(a.code).isZero();
        assertThat(a.out)
                .startsWith("{\n  \"trace\": \"diff.mrec.zst\",")
                .endsWith("}\n")
                .isEqualTo(b.out);
        assertThat(run("replay", trace("diff").toString(), "--json").out).contains("\"nsPerCall\": ");
    }

    @Test
    void emitWritesTheAnswersAndRefusesTheInput() throws Exception {
        Path out = tmp.resolve("answers.mrec.zst");
        Run r = run("replay", trace("git").toString(), "--emit", out.toString());
        assertThat(r.code).isZero();
        assertThat(r.out).endsWith("answers: " + out + "\n");
        assertThat(Files.size(out)).isPositive();

        Path input = tmp.resolve("in.mrec.zst");
        Files.copy(trace("git"), input);
        Run refused = run("replay", input.toString(), "--emit", input.toString());
        assertThat(refused.code).isEqualTo(2);
        assertThat(refused.err)
                .isEqualTo("mallocsim replay: " + input + ": is also the input " + input
                        + "; refusing to write over it (name another output file)\n");
    }

    @Test
    void everyErrorIsOneLineNamingTheFileAndTheReason() throws Exception {
        Path missing = tmp.resolve("nope.mrec");
        Run r = run("replay", missing.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).isEqualTo("mallocsim replay: " + missing + ": cannot read (no such file)\n");

        Path junk = tmp.resolve("junk.txt");
        Files.writeString(junk, "hello\n");
        r = run("replay", junk.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).startsWith("mallocsim replay: " + junk).endsWith("\n").doesNotContain("\tat ");
        assertThat(r.err.lines()).hasSize(1);

        Path cut = tmp.resolve("cut.mrec");
        Files.writeString(cut, "# mrec 1 start-brk 0x1000\n1 m 10 = 0x1010 0x21 0x21000\n1 m 1");
        r = run("replay", cut.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).startsWith("mallocsim replay: " + cut + ": line 3").doesNotContain("\tat ");
        assertThat(r.err.lines()).hasSize(1);

        r = run("replay", trace("git").toString(), "--allocator", "nonesuch");
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err)
                .isEqualTo(
                        "mallocsim replay: no allocator named 'nonesuch' (known: bump, glibc, first-fit, next-fit, best-fit, segfit, tlsf, buddy, pages)\n");

        r = run("replay", trace("git").toString(), "--touch", "sometimes");
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err)
                .isEqualTo("mallocsim replay: --touch: expected none, first, pages or bytes, not 'sometimes'\n");
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
