package org.mallocsim.traces.natives;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder's binary output has the frame docs/trace-format.md defines for mrecb version 2. */
class BinaryRecordingTest {
    private static final byte[] MAGIC = {(byte) 0x89, 'M', 'R', 'E', 'C', 'B', '\r', '\n'};

    @TempDir
    Path tmp;

    private Path record(String program, Recorder.Format format, String... args) throws Exception {
        List<String> cmd =
                new java.util.ArrayList<>(List.of(TestPrograms.compile(program).toString()));
        cmd.addAll(List.of(args));
        return Recorder.record(cmd, tmp.resolve(program + "." + format), format, false, ProcessBuilder.Redirect.DISCARD)
                .trace();
    }

    @Test
    void aBinaryTraceStartsWithMagicAndVersionAndEndsWithTheCountedEndMarker() throws Exception {
        byte[] b = Files.readAllBytes(record("single_calls", Recorder.Format.BINARY));

        assertThat(Arrays.copyOf(b, 8)).isEqualTo(MAGIC);
        assertThat(b[8]).as("version 2: pointers as addresses (flag A)").isEqualTo((byte) 2);
        assertThat(new String(b, b.length - 8, 8, StandardCharsets.US_ASCII)).isEqualTo("ENDMRECB");
        // 00, then varint 18 (the program's 18 calls), then the marker.
        assertThat(b[b.length - 10]).isZero();
        assertThat(b[b.length - 9]).isEqualTo((byte) 18);
    }

    @Test
    void theHeaderCarriesTheGlibcVersionFirst() throws Exception {
        byte[] b = Files.readAllBytes(record("single_calls", Recorder.Format.BINARY));

        assertThat(b[9]).as("tag 1, glibc version").isEqualTo((byte) 1);
        assertThat(new String(b, 11, b[10], StandardCharsets.US_ASCII)).matches("2\\.\\d+");
    }

    @Test
    void theFormatsReaderDecodesABinaryRecordingIntoExactlyTheCallsTheProgramSaw() throws Exception {
        Path stdout = tmp.resolve("out.txt");
        Path trace = Recorder.record(
                        List.of(TestPrograms.compile("single_calls").toString()),
                        tmp.resolve("single.mrecb"),
                        Recorder.Format.BINARY,
                        false,
                        ProcessBuilder.Redirect.to(stdout.toFile()))
                .trace();

        List<String> decoded;
        decoded = text(trace)
                .lines()
                .filter(l -> !l.startsWith("#"))
                .map(l -> l.substring(l.indexOf(' ') + 1))
                .toList();
        assertThat(decoded).containsExactlyElementsOf(Files.readAllLines(stdout));
    }

    private static List<String> decodedEventLines(Path trace) throws Exception {
        return text(trace).lines().filter(l -> !l.startsWith("#")).toList();
    }

    /** The trace in the mrec text format, whatever its own format. */
    private static String text(Path trace) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (org.mallocsim.traces.format.TraceReader r = org.mallocsim.traces.format.Traces.open(trace);
                org.mallocsim.traces.format.TraceWriter w =
                        org.mallocsim.traces.format.Traces.create(out, org.mallocsim.traces.format.TraceFormat.TEXT)) {
            org.mallocsim.traces.format.Traces.copy(r, w);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void forkAndThreadEventsSurviveTheBinaryFormat() throws Exception {
        Path stdout = tmp.resolve("out.txt");
        Recorder.Recording forks = Recorder.record(
                List.of(TestPrograms.compile("forks").toString()),
                tmp.resolve("forks.mrecb"),
                Recorder.Format.BINARY,
                false,
                ProcessBuilder.Redirect.to(stdout.toFile()));
        String child = Files.readAllLines(stdout).get(0).split(" ")[1];
        assertThat(decodedEventLines(forks.trace()))
                .filteredOn(l -> l.contains(" k "))
                .singleElement()
                .asString()
                .matches("\\d+ k " + child + " = 0x0 0x0 0x[0-9a-f]+");

        Recorder.Recording threads = Recorder.record(
                List.of(TestPrograms.compile("thread_parents").toString()),
                tmp.resolve("threads.mrecb"),
                Recorder.Format.BINARY,
                false,
                ProcessBuilder.Redirect.to(stdout.toFile()));
        java.util.Map<String, String> tid = new java.util.HashMap<>();
        Files.readAllLines(stdout).forEach(l -> tid.put(l.split(" ")[0], l.split(" ")[1]));
        assertThat(decodedEventLines(threads.trace()))
                .filteredOn(l -> l.split(" ")[1].equals("t"))
                .extracting(l -> l.substring(0, l.indexOf(" = ")))
                .containsExactly(
                        tid.get("outer") + " t " + tid.get("main"), tid.get("inner") + " t " + tid.get("outer"));
    }

    @Test
    void replayingABinaryRecordingReproducesItExactly() throws Exception {
        Path trace = record("malloc_heavy", Recorder.Format.BINARY, "20000");

        NativeReplayer.Result r = NativeReplayer.replay(trace, tmp.resolve("answers"), NativeReplayer.Touch.NONE);
        FidelityReport report =
                FidelityReport.compare(ReferenceTrace.read(trace), ReferenceTrace.read(r.answersFile()));

        assertThat(report.recordedCalls()).isEqualTo(40001);
        assertThat(report.faithful()).as(String.join("\n", report.lines())).isTrue();
    }

    @Test
    void aBinaryTraceIsAFractionOfTheTextOne() throws Exception {
        Path text = record("malloc_heavy", Recorder.Format.TEXT, "20000");
        Path binary = record("malloc_heavy", Recorder.Format.BINARY, "20000");

        assertThat(Files.size(binary) * 5).isLessThan(Files.size(text));
    }

    @Test
    void aProgramKilledBySigsegvStillLeavesAFramedBinaryTrace() throws Exception {
        byte[] b = Files.readAllBytes(record("crash", Recorder.Format.BINARY));

        assertThat(new String(b, b.length - 8, 8, StandardCharsets.US_ASCII)).isEqualTo("ENDMRECB");
        // varint 1000 = e8 07
        assertThat(Arrays.copyOfRange(b, b.length - 11, b.length - 8)).containsExactly(0, 0xe8, 0x07);
    }
}
