package org.mallocsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mallocsim native} checks its input before replaying and never writes over it. */
class NativeCommandTest {
    private static final Path GREP = Path.of("..", "traces", "grep.mrec.zst");
    private static final String HEADER = "# mrec 1 glibc 2.36 nprocs 2 start-brk 0x555555559000\n";

    @TempDir
    Path dir;

    @Test
    void emittingOverTheTraceIsRefusedAndTheTraceIsUntouched() throws Exception {
        Path t = Files.copy(GREP, dir.resolve("grep.mrec.zst"));
        byte[] before = Files.readAllBytes(t);
        Cli.Result r = Cli.run(
                "native",
                t.toString(),
                "--emit",
                dir.resolve(".").resolve("grep.mrec.zst").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("is also the input").contains("grep.mrec.zst");
        assertThat(r.out()).isEmpty();
        assertThat(Files.readAllBytes(t)).isEqualTo(before);
        assertThat(Files.list(dir)).containsExactly(t);
    }

    @Test
    void aSizeBeyond2To64IsRejectedBeforeAnythingIsReplayedOrWritten() throws Exception {
        Path t = Files.writeString(
                dir.resolve("big.mrec"),
                HEADER
                        + "1 m 24 = 0x555555559010 0x21 0x55555557a000\n"
                        + "1 m 18446744073709551616 = 0x0 0x0 0x55555557a000\n");
        Path emit = dir.resolve("answers.mrec");
        Cli.Result r = Cli.run("native", t.toString(), "--emit", emit.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("mallocsim native: " + t + ": line 3: expected a decimal size below 2^64\n");
        assertThat(r.out()).isEmpty();
        assertThat(emit).doesNotExist();
        assertThat(Files.list(dir)).containsExactly(t);
    }

    @Test
    void aTenMegabyteLineIsRejectedBeforeTheStatisticsArePrinted() throws Exception {
        Path t = dir.resolve("long.mrec");
        Files.writeString(
                t,
                HEADER + "1 m 24 = 0x555555559010 0x21 0x55555557a000\n" + "1".repeat(10 << 20) + "\n",
                StandardCharsets.US_ASCII);
        Cli.Result r = Cli.run("native", t.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(t + ": line 3: expected a line shorter than");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void anMtraceImportHasNoRecordedAnswersToCompare() throws Exception {
        Path t = Files.writeString(
                dir.resolve("t.mtrace"),
                "= Start\n@ ./t:[0x118b] + 0x55a5ddfa34a0 0x64\n" + "@ ./t:[0x11e4] - 0x55a5ddfa34a0\n= End\n");
        Cli.Result r = Cli.run("native", t.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains("an import from mtrace holds no recorded answers")
                .doesNotContain("differ");
    }

    @Test
    void jsonIsOneObjectWithTheStatisticsAndTheComparison() {
        Cli.Result r = Cli.run("native", GREP.toString(), "--json");
        assertThat(r.code()).isZero();
        assertThat(r.out().lines()).hasSize(1);
        assertThat(r.out())
                .startsWith("{\"trace\":")
                .contains("\"calls\":22888")
                .contains("\"comparison\":{\"faithful\":true,\"recorded_calls\":22888")
                .contains("\"first_mismatch\":null");
    }

    @Test
    void theFirstMismatchShowsBothAnswers() throws Exception {
        // glibc answers malloc(24) on a fresh heap with a 0x21 chunk; the trace claims 0x31.
        Path t = Files.writeString(dir.resolve("wrong.mrec"), HEADER + "1 m 24 = 0x555555559010 0x31 0x55555557a000\n");
        Cli.Result r = Cli.run("native", t.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out())
                .contains("first mismatch: call 1 (index 0, position 2): m 24: recorded 0x555555559010"
                        + " (start-brk+0x10) chunk word 0x31 brk start-brk+0x21000; replayed 0x")
                .contains("differs in: ");
    }

    @Test
    void theEmittedAnswersAreCompressedExactlyWhenTheNameEndsInZst() throws Exception {
        Path zst = dir.resolve("a.mrec.zst");
        Path plain = dir.resolve("a.mrec");
        assertThat(Cli.run("native", GREP.toString(), "--no-compare", "--emit", zst.toString())
                        .code())
                .isZero();
        assertThat(Cli.run("native", GREP.toString(), "--no-compare", "--emit", plain.toString())
                        .code())
                .isZero();
        byte[] z = Files.readAllBytes(zst);
        assertThat(new byte[] {z[0], z[1], z[2], z[3]}).containsExactly(0x28, 0xb5, 0x2f, 0xfd);
        assertThat(Files.readString(plain)).startsWith("# mrec 1 glibc");
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("a.mrec.zst", "a.mrec");
    }

    @Test
    void aMissingTraceIsNamedWithTheReason() {
        Cli.Result r = Cli.run("native", "/nope/x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("mallocsim native: /nope/x: no such file or directory\n");
    }

    @Test
    void aTruncatedCompressedTraceIsNamedWithTheReason() throws Exception {
        byte[] whole = Files.readAllBytes(GREP);
        Path cut = Files.write(dir.resolve("cut.mrec.zst"), java.util.Arrays.copyOf(whole, whole.length / 2));
        Cli.Result r = Cli.run("native", cut.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .startsWith("mallocsim native: " + cut + ": byte offset ")
                .contains("expected valid zstd data");
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.out()).isEmpty();
    }
}
