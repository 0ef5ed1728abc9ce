package org.mallocsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mallocsim record} never loses an existing file and never claims a trace it did not write. */
class RecordCommandTest {
    @TempDir
    Path dir;

    @Test
    void aProgramThatAllocatesGetsItsTraceNamed() {
        Path out = dir.resolve("sort.mrecb");
        Cli.Result r = Cli.run("record", "-o", out.toString(), "--", "sort", "/etc/passwd");
        assertThat(r.code()).isZero();
        assertThat(out).exists();
        assertThat(r.err()).isEqualTo("mallocsim record: trace " + out + "\n");
    }

    @Test
    void aProgramWithoutAllocatorCallsLeavesTheExistingFileAndSaysSo() throws Exception {
        Path keep = dir.resolve("keep.mrec");
        Files.writeString(keep, "precious\n");
        Cli.Result r = Cli.run("record", "-o", keep.toString(), "--", "true");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("made no allocator call").contains("left as it was");
        assertThat(Files.readString(keep)).isEqualTo("precious\n");
        assertThat(Files.list(dir)).containsExactly(keep);
    }

    @Test
    void aDirectoryIsNeitherRemovedNorReplaced() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Cli.Result r = Cli.run("record", "-o", empty.toString(), "--", "echo", "hi");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(empty + ": is a directory");
        assertThat(empty).isEmptyDirectory();
    }

    @Test
    void aMissingDirectoryIsAnErrorAndIsNotCreated() {
        Path missing = dir.resolve("missing/dir/x");
        Cli.Result r = Cli.run("record", "-o", missing.toString(), "--", "echo", "hi");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains(missing.toString())
                .contains("does not exist")
                .doesNotContain("trace " + missing);
        assertThat(dir.resolve("missing")).doesNotExist();
    }

    @Test
    void aZstNameIsCompressedAndAPlainNameIsNot() throws Exception {
        Path zst = dir.resolve("echo.mrec.zst");
        Path plain = dir.resolve("echo.mrec");
        assertThat(Cli.run("record", "--text", "-o", zst.toString(), "--", "echo", "hi")
                        .code())
                .isZero();
        assertThat(Cli.run("record", "--text", "-o", plain.toString(), "--", "echo", "hi")
                        .code())
                .isZero();
        byte[] z = Files.readAllBytes(zst);
        assertThat(new byte[] {z[0], z[1], z[2], z[3]}).containsExactly(0x28, 0xb5, 0x2f, 0xfd);
        assertThat(Files.readString(plain)).startsWith("# mrec");
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("echo.mrec.zst", "echo.mrec");
    }

    @Test
    void theProgramItselfIsNotOverwritten() throws Exception {
        Path program = Files.copy(Path.of("/bin/echo"), dir.resolve("echo"));
        byte[] before = Files.readAllBytes(program);
        Cli.Result r = Cli.run("record", "-o", program.toString(), "--", program.toString(), "hi");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(program + ": is also the input");
        assertThat(Files.readAllBytes(program)).isEqualTo(before);
    }

    @Test
    void jsonIsOneObjectOnStdoutWithTheTraceAndTheExitCode() {
        Path out = dir.resolve("sort.mrecb");
        Cli.Result r = Cli.run("record", "--json", "--strace", "-o", out.toString(), "--", "sort", "/etc/passwd");
        assertThat(r.code()).isZero();
        Map<String, Object> j = JsonParser.object(r.out());
        assertThat(j.keySet()).containsExactly("program", "trace", "otherTraces", "exitCode", "strace");
        assertThat(j)
                .containsEntry("program", "sort")
                .containsEntry("trace", out.toString())
                .containsEntry("otherTraces", List.of())
                .containsEntry("exitCode", 0L)
                .containsEntry("strace", out + ".strace");
        assertThat(out).exists();
    }

    @Test
    void jsonSaysNoTraceWhenTheProgramMadeNoAllocatorCall() {
        Path out = dir.resolve("none.mrecb");
        Cli.Result r = Cli.run("record", "--json", "-o", out.toString(), "--", "true");
        assertThat(r.code()).isNotZero();
        Map<String, Object> j = JsonParser.object(r.out());
        assertThat(j).containsEntry("trace", null).containsEntry("exitCode", 0L).containsEntry("strace", null);
        assertThat(out).doesNotExist();
    }
}
