package org.mallocsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.cli.BundledTraces.trace;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code mallocsim convert}: byte-exact round trips, imports, the format by name or option, and safe writing. */
class ConvertCommandTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"git", "diff", "grep", "pyxml"})
    void textToBinaryToTextGivesBackTheOriginalBytes(String name) throws Exception {
        Path binary = tmp.resolve(name + ".mrecb");
        Path binaryZst = tmp.resolve(name + ".mrecb.zst");
        Path text = tmp.resolve(name + ".mrec");

        Cli.Result r = Cli.run("convert", trace(name).toString(), binary.toString());
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).matches(binary + ": [0-9]+ events from .*" + name + ".mrec.zst as mrecb\n");
        assertThat(Cli.run("convert", binary.toString(), binaryZst.toString()).code())
                .isZero();
        assertThat(Cli.run("convert", binaryZst.toString(), text.toString()).code())
                .isZero();

        byte[] original = zstdDecompressed(trace(name));
        assertThat(Files.readAllBytes(binary)).isNotEqualTo(original);
        assertThat(Arrays.equals(Files.readAllBytes(text), original))
                .as("round trip of " + name)
                .isTrue();
        assertThat(Files.size(binaryZst)).isLessThan(Files.size(binary));
    }

    @Test
    void formatOptionWinsOverTheNameAndImportFormatsCannotBeWritten() throws Exception {
        Path out = tmp.resolve("git.trace");
        assertThat(Cli.run("convert", trace("git").toString(), out.toString(), "--format", "binary")
                        .code())
                .isZero();
        assertThat(Arrays.copyOf(Files.readAllBytes(out), 4)).isNotEqualTo("# mr".getBytes(StandardCharsets.US_ASCII));

        Path plain = tmp.resolve("plain.trace");
        assertThat(Cli.run("convert", out.toString(), plain.toString()).code()).isZero();
        assertThat(Files.readString(plain)).startsWith("# mrec 1 glibc 2.36 ");

        Cli.Result r = Cli.run(
                "convert", trace("git").toString(), tmp.resolve("x.mrec").toString(), "--format", "mtrace");
        assertError(r, "MTRACE is an import-only format");
        r = Cli.run("convert", trace("git").toString(), tmp.resolve("x.mrec").toString(), "--format", "text_zstd");
        assertError(r, tmp.resolve("x.mrec") + ": TEXT_ZSTD asks for zstd, but the name does not end in .zst");
        r = Cli.run("convert", trace("git").toString(), tmp.resolve("x.mrec.gz").toString());
        assertError(r, tmp.resolve("x.mrec.gz") + ": mallocsim reads gzip but writes only zstd");
        assertThat(tmp.resolve("x.mrec")).doesNotExist();
    }

    @Test
    void mtraceAndHeaptrackImportsBecomeMrecTraces() throws Exception {
        Path mtrace = resource("real.mtrace");
        Path out = tmp.resolve("m.mrec");
        Cli.Result r = Cli.run("convert", mtrace.toString(), out.toString());
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).isEqualTo(out + ": 12 events from " + mtrace + " as mrec\n");
        String text = Files.readString(out);
        assertThat(text)
                .startsWith("# mrec 1")
                .contains("# imported from mtrace\n")
                .contains(" m 100 = 0x55a5ddfa34a0 ", " r 0x55a5ddfa34a0 5000 = 0x55a5ddfa3590 ", " f 0x55a5ddfa3590");
        // the import's header travels with it: compare still knows it holds no recorded answers
        assertThat(Cli.run("compare", out.toString()).err())
                .contains("an import from mtrace holds no recorded answers");

        Path heaptrack = resource("raw.heaptrack");
        Path hb = tmp.resolve("h.mrecb");
        r = Cli.run("convert", heaptrack.toString(), hb.toString(), "--json");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out())
                .isEqualTo("{ \"input\": \"" + heaptrack + "\", \"output\": \"" + hb
                        + "\", \"format\": \"mrecb\", \"compressed\": false, \"events\": 4 }\n");
        Path ht = tmp.resolve("h.mrec");
        assertThat(Cli.run("convert", hb.toString(), ht.toString()).code()).isZero();
        assertThat(Files.readString(ht)).contains("# imported from heaptrack\n", " m 64 = 0x5000 ", " f 0x5040");
    }

    @Test
    void theInputIsNeverOverwrittenAndBadInputLeavesNoFile() throws Exception {
        Path in = tmp.resolve("in.mrec.zst");
        Files.copy(trace("git"), in);
        byte[] before = Files.readAllBytes(in);
        assertError(Cli.run("convert", in.toString(), in.toString()), in + ": is also the input " + in);
        assertThat(Files.readAllBytes(in)).isEqualTo(before);

        Path cut = tmp.resolve("cut.mrec");
        Files.writeString(cut, "# mrec 1 start-brk 0x1000\n1 m 10 = 0x1010 0x21 0x21000\n1 m 1");
        Path out = tmp.resolve("out.mrecb");
        Cli.Result r = Cli.run("convert", cut.toString(), out.toString());
        assertError(r, cut + ": line 3");
        assertThat(out).doesNotExist();
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("in.mrec.zst", "cut.mrec");
        }

        Path missing = tmp.resolve("nope.mrec");
        assertError(Cli.run("convert", missing.toString(), out.toString()), missing + ": cannot read (no such file)");
    }

    /** The file's bytes as the system's zstd tool decompresses them (installed by .ci/run): an independent reader. */
    private static byte[] zstdDecompressed(Path file) throws Exception {
        Process p = new ProcessBuilder("zstd", "-dc", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).as("zstd -dc " + file).isZero();
        return bytes;
    }

    private Path resource(String name) throws Exception {
        Path p = tmp.resolve(name);
        try (InputStream in = ConvertCommandTest.class.getResourceAsStream(name)) {
            Files.copy(in, p);
        }
        return p;
    }

    private static void assertError(Cli.Result r, String start) {
        assertThat(r.code()).as(r.all()).isEqualTo(2);
        assertThat(r.err())
                .startsWith("mallocsim convert: " + start)
                .doesNotContain("\tat ")
                .endsWith("\n");
        assertThat(r.err().lines()).hasSize(1);
    }
}
