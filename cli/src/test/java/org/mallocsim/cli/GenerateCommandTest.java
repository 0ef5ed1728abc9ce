package org.mallocsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mallocsim generate} checks everything before it writes, and writes safely. */
class GenerateCommandTest {
    @TempDir
    Path dir;

    @Test
    void anImportOnlyFormatIsRejectedBeforeTheFileIsTouched() throws Exception {
        Path keep = dir.resolve("keep.mrec");
        Files.writeString(keep, "precious\n");
        Cli.Result r = Cli.run("generate", "--format", "MTRACE", "-o", keep.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("MTRACE is an import-only format").doesNotContain("Exception");
        assertThat(Files.readString(keep)).isEqualTo("precious\n");
        assertThat(Files.list(dir)).containsExactly(keep);
    }

    @Test
    void tooManyThreadsIsOneLineAndNoOutOfMemoryError() {
        Cli.Result r = Cli.run(
                "generate", "--threads", "100000", "-o", dir.resolve("t.mrec").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("at most 4096 threads").doesNotContain("OutOfMemoryError");
        assertThat(r.err().lines()).hasSize(1);
        assertThat(dir.resolve("t.mrec")).doesNotExist();
    }

    @Test
    void compressionFollowsTheFileName() throws Exception {
        Path plain = dir.resolve("plain.mrec");
        Path zst = dir.resolve("packed.mrec.zst");
        assertThat(Cli.run("generate", "--calls", "100", "-o", plain.toString()).code())
                .isZero();
        assertThat(Cli.run("generate", "--calls", "100", "-o", zst.toString()).code())
                .isZero();
        assertThat(new String(Files.readAllBytes(plain), 0, 6, StandardCharsets.ISO_8859_1))
                .isEqualTo("# mrec");
        byte[] z = Files.readAllBytes(zst);
        assertThat(new byte[] {z[0], z[1], z[2], z[3]}).containsExactly(0x28, 0xb5, 0x2f, 0xfd);
        Cli.Result contradiction = Cli.run(
                "generate", "--format", "TEXT_ZSTD", "-o", dir.resolve("x.mrec").toString());
        assertThat(contradiction.code()).isEqualTo(2);
        assertThat(contradiction.err()).contains("x.mrec").contains(".zst");
    }

    @Test
    void aDirectoryOrAMissingDirectoryIsNamedWithTheReason() throws Exception {
        Cli.Result onDir = Cli.run("generate", "--calls", "10", "-o", dir.toString());
        assertThat(onDir.code()).isEqualTo(2);
        assertThat(onDir.err()).isEqualTo("mallocsim generate: " + dir + ": is a directory, not a file to write\n");
        assertThat(dir).isDirectory();
        Path missing = dir.resolve("missing/sub/x.mrec");
        Cli.Result r = Cli.run("generate", "--calls", "10", "-o", missing.toString());
        assertThat(r.err()).contains(missing.toString()).contains("does not exist");
        assertThat(dir.resolve("missing")).doesNotExist();
    }

    @Test
    void theHelpListsEveryShape() {
        Cli.Result r = Cli.run("generate", "--help");
        assertThat(r.code()).isZero();
        String help = r.out().replaceAll("\\s+", " ");
        for (org.mallocsim.traces.gen.WorkloadGenerator.Shape s :
                org.mallocsim.traces.gen.WorkloadGenerator.Shape.values()) {
            assertThat(help).as(s.name()).contains(s.name());
        }
    }

    @Test
    void jsonIsOneObjectWithWhatWasWritten() throws Exception {
        Path t = dir.resolve("g \"q\".mrecb.zst");
        Path same = dir.resolve("same.mrecb.zst");
        Cli.Result r = generate(t, "--json");
        Cli.Result text = generate(same);
        assertThat(r.code()).isZero();
        Map<String, Object> j = JsonParser.object(r.out());
        assertThat(j.keySet())
                .containsExactly(
                        "file",
                        "format",
                        "compressed",
                        "shape",
                        "seed",
                        "calls",
                        "threads",
                        "maxLive",
                        "tunables",
                        "bytes");
        assertThat(j)
                .containsEntry("file", t.toString())
                .containsEntry("format", "mrecb")
                .containsEntry("compressed", true)
                .containsEntry("shape", "MIXED")
                .containsEntry("seed", 7L)
                .containsEntry("threads", 2L)
                .containsEntry("maxLive", 4096L)
                .containsEntry("tunables", "")
                .containsEntry("bytes", Files.size(t));
        assertThat(text.out()).contains(": " + j.get("calls") + " calls, MIXED seed 7, 2 thread(s)");
        assertThat(Files.readAllBytes(same)).isEqualTo(Files.readAllBytes(t));
    }

    @Test
    void tunablesGoInTheHeaderOfEitherFormat() throws Exception {
        for (String format : new String[] {"BINARY", "TEXT"}) {
            Path t = dir.resolve("t-" + format + ".trace");
            Cli.Result r = Cli.run(
                    "generate",
                    "--calls",
                    "50",
                    "--format",
                    format,
                    "--tunables",
                    "glibc.malloc.mxfast=0",
                    "--json",
                    "-o",
                    t.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(JsonParser.object(r.out())).containsEntry("tunables", "glibc.malloc.mxfast=0");
            try (org.mallocsim.traces.format.TraceReader in = org.mallocsim.traces.format.Traces.open(t)) {
                assertThat(in.header().tunables).as(format).isEqualTo("glibc.malloc.mxfast=0");
            }
        }
    }

    /** 200 calls, seed 7, two threads, binary, to {@code out}, with {@code more} options. */
    private static Cli.Result generate(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "generate",
                "--calls",
                "200",
                "--seed",
                "7",
                "--threads",
                "2",
                "--format",
                "BINARY",
                "-o",
                out.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(new String[0]));
    }
}
