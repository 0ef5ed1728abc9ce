package org.mallocsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code mallocsim advise --verify} on git's trace (6,042 calls), the real glibc beside the prediction. */
class AdviseCommandTest {
    private static String trace(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path t = dir.resolve("traces").resolve(name + ".mrec.zst");
            if (Files.exists(t)) {
                return t.toString();
            }
        }
        throw new IllegalStateException(name);
    }

    @Test
    void verifyPrintsEachKindOfSyscallPredictedAndMeasuredAndTheyMatchExactlyForOneThread() {
        Cli.Result r = Cli.run("advise", trace("git"), "--verify", "--top", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("to cut peak RSS")
                .contains("to cut syscalls")
                .contains("must match exactly (one thread)")
                .contains("best for peak RSS: glibc.malloc.")
                .containsPattern("peak RSS change  predicted [-+][\\d,]+ KiB, measured [-+][\\d,]+ KiB: ");
        // every kind's line: "brk   182 -> 180   182 -> 180", predicted then measured
        Matcher m = Pattern.compile(
                        "(?m)^ {4}(brk|mmap|munmap|mprotect|mremap|madvise) +(\\d+) -> (\\d+) +(\\d+) -> (\\d+)$")
                .matcher(r.out());
        int lines = 0;
        while (m.find()) {
            lines++;
            assertThat(m.group(4) + " -> " + m.group(5))
                    .as("%s measured as predicted", m.group(1))
                    .isEqualTo(m.group(2) + " -> " + m.group(3));
        }
        assertThat(lines).as("six kinds for each verified candidate").isIn(6, 12);
        // the peak RSS verdicts depend on the machine's noise; the syscall verdicts may not
        assertThat(r.out().lines().filter(l -> l.startsWith("    syscalls ")))
                .isNotEmpty()
                .allMatch(l -> l.endsWith("measured: agree exactly"));
    }

    @Test
    void aMissingTraceIsOneLineNamingIt(@org.junit.jupiter.api.io.TempDir Path dir) {
        Cli.Result r = Cli.run("advise", dir.resolve("none.mrec").toString(), "--verify");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("none.mrec").contains("no such file").doesNotContain("Exception");
    }
}
