package org.mallocsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.cli.BundledTraces.trace;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mallocsim replay}: the report, the JSON, --emit, and one clear line for every error. */
class ReplayCommandTest {
    @TempDir
    Path tmp;

    @Test
    void glibcIsTheDefaultAllocatorAndReproducesTheRecordedAnswers() {
        Cli.Result r = Cli.run("replay", trace("grep").toString());

        assertThat(r.code()).isZero();
        assertThat(r.out())
                .startsWith("replay of grep.mrec.zst with glibc (touch none): 22888 calls in ")
                .contains("answers match the recorded ones:\n  calls: 22888 recorded, 22888 replayed\n")
                .contains("  chunk word: 11533/11533\n", "  first mismatch: none");
    }

    @Test
    void theReportShowsCallsMemorySyscallsFaultsAndFidelity() {
        Cli.Result r = Cli.run("replay", trace("grep").toString(), "--touch", "pages", "--allocator", "bump");

        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
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
        String known = Cli.run("replay", trace("diff").toString(), "--allocator", "nonesuch")
                .err();
        String[] policies = known.substring(known.indexOf("(known: ") + 8, known.indexOf(')'))
                .split(", ");
        assertThat(policies).hasSizeGreaterThan(2);
        for (String policy : policies) {
            Cli.Result r = Cli.run("replay", trace("diff").toString(), "--allocator", policy);
            assertThat(r.code()).as(policy + ": " + r.err()).isZero();
            assertThat(r.out())
                    .as(policy)
                    .containsPattern(
                            "heap at peak live: [1-9][0-9]* B live, [1-9][0-9]* B heap \\(\\+[0-9.]+%\\); at peak heap: ")
                    .containsPattern("fragmentation at peak heap: [0-9]+ B internal, [0-9]+ B external and overhead;")
                    .containsPattern("cost: [1-9][0-9]*\\.[0-9]{2} memory accesses/call, [0-9]+ ns/call\n");
        }
        Cli.Result json = Cli.run("replay", trace("diff").toString(), "--allocator", "tlsf", "--json", "--no-timing");
        assertThat(json.out())
                .contains("\"fragmentation\": {\n    \"peakLiveBytes\": ")
                .contains("\"accessesPerCall\": ");
    }

    @Test
    void jsonWithoutTimingIsTheSameEveryRun() {
        Cli.Result a = Cli.run("replay", trace("diff").toString(), "--json", "--no-timing");
        Cli.Result b = Cli.run("replay", trace("diff").toString(), "--json", "--no-timing");

        assertThat(a.code()).isZero();
        assertThat(a.out())
                .startsWith("{\n  \"trace\": \"diff.mrec.zst\",")
                .endsWith("}\n")
                .isEqualTo(b.out());
        assertThat(Cli.run("replay", trace("diff").toString(), "--json").out()).contains("\"nsPerCall\": ");
    }

    @Test
    void emitWritesTheAnswersAndRefusesTheInput() throws Exception {
        Path out = tmp.resolve("answers.mrec.zst");
        Cli.Result r = Cli.run("replay", trace("git").toString(), "--emit", out.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).endsWith("answers: " + out + "\n");
        assertThat(Files.size(out)).isPositive();

        Path input = tmp.resolve("in.mrec.zst");
        Files.copy(trace("git"), input);
        Cli.Result refused = Cli.run("replay", input.toString(), "--emit", input.toString());
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err())
                .isEqualTo("mallocsim replay: " + input + ": is also the input " + input
                        + "; refusing to write over it (name another output file)\n");
    }

    @Test
    void everyErrorIsOneLineNamingTheFileAndTheReason() throws Exception {
        Path missing = tmp.resolve("nope.mrec");
        Cli.Result r = Cli.run("replay", missing.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("mallocsim replay: " + missing + ": cannot read (no such file)\n");

        Path junk = tmp.resolve("junk.txt");
        Files.writeString(junk, "hello\n");
        r = Cli.run("replay", junk.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .startsWith("mallocsim replay: " + junk)
                .endsWith("\n")
                .doesNotContain("\tat ");
        assertThat(r.err().lines()).hasSize(1);

        Path cut = tmp.resolve("cut.mrec");
        Files.writeString(cut, "# mrec 1 start-brk 0x1000\n1 m 10 = 0x1010 0x21 0x21000\n1 m 1");
        r = Cli.run("replay", cut.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("mallocsim replay: " + cut + ": line 3").doesNotContain("\tat ");
        assertThat(r.err().lines()).hasSize(1);

        r = Cli.run("replay", trace("git").toString(), "--allocator", "nonesuch");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo(
                        "mallocsim replay: no allocator named 'nonesuch' (known: bump, glibc, first-fit, next-fit, best-fit, segfit, tlsf, buddy, pages)\n");

        r = Cli.run("replay", trace("git").toString(), "--touch", "sometimes");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo("mallocsim replay: --touch: expected none, first, pages or bytes, not 'sometimes'\n");
    }
}
