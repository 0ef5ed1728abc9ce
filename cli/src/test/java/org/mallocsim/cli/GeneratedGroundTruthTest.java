package org.mallocsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A generated trace run through the real glibc becomes ground truth that replays to itself. */
class GeneratedGroundTruthTest {

    @ParameterizedTest(name = "{0} with {1} thread(s)")
    @CsvSource({"mixed, 1", "larson, 3", "cache_thrash, 2", "simple, 1"})
    void glibcsAnswersToAGeneratedTraceReplayToTheSameAnswers(String shape, int threads, @TempDir Path dir)
            throws Exception {
        Path gen = dir.resolve("gen.mrec.zst");
        Path truth = dir.resolve("truth.mrec");
        assertThat(run(
                        "generate",
                        "--shape",
                        shape,
                        "--threads",
                        Integer.toString(threads),
                        "--calls",
                        "5000",
                        "--seed",
                        "11",
                        "-o",
                        gen.toString()))
                .startsWith("0\n");
        String first = run("native", gen.toString(), "--emit", truth.toString());
        assertThat(first).startsWith("0\n").contains("holds no recorded answers");
        assertThat(Files.size(truth)).isPositive();
        String again = run("native", truth.toString());
        assertThat(again)
                .startsWith("0\n")
                .contains("answers match the recorded ones")
                .contains("first mismatch: none");
    }

    /**
     * The answers file keeps the malloc settings glibc ran under, as a recording does: replayed
     * again, natively or emulated, under the same tunables, it gives the same answers.
     */
    @org.junit.jupiter.api.Test
    void theAnswersOfATraceRunUnderTunablesCarryThem(@TempDir Path dir) throws Exception {
        String tunables = "glibc.malloc.tcache_count=0:glibc.malloc.top_pad=0";
        Path gen = dir.resolve("gen.mrec");
        Path truth = dir.resolve("truth.mrec");
        assertThat(run(
                        "generate",
                        "--shape",
                        "small",
                        "--calls",
                        "5000",
                        "--seed",
                        "5",
                        "--tunables",
                        tunables,
                        "-o",
                        gen.toString()))
                .startsWith("0\n");
        assertThat(Files.readAllLines(gen)).contains("# tunables " + tunables);
        assertThat(run("native", gen.toString(), "--emit", truth.toString())).startsWith("0\n");
        assertThat(Files.readAllLines(truth)).contains("# tunables " + tunables);
        assertThat(run("native", truth.toString())).startsWith("0\n").contains("first mismatch: none");
        assertThat(run("compare", truth.toString())).startsWith("0\n").contains(": faithful");
    }

    /** The exit code, a newline, then what the command printed. */
    private static String run(String... args) {
        Cli.Result r = Cli.run(args);
        return r.code() + "\n" + r.out() + r.err();
    }
}
