package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mallocsim.traces.gen.WorkloadGenerator;
import org.mallocsim.traces.io.Json;

/** The JSON summary: the same trace and options give the same bytes, timing aside. */
class ReplayJsonTest {
    @TempDir
    Path tmp;

    @Test
    void twoReplaysOfTheSameTraceGiveByteIdenticalJsonWithoutTiming() throws IOException {
        Path trace = TraceFidelity.trace("diff");
        String a = ReplayJson.render(ReplayEngine.replay(trace, ReplayOptions.of("bump")), false);
        String b = ReplayJson.render(ReplayEngine.replay(trace, ReplayOptions.of("bump")), false);

        assertThat(a).isEqualTo(b).doesNotContain("\"seconds\"").doesNotContain("nsPerCall");
        assertThat(a)
                .contains("\"calls\": 20330,")
                .contains("\"fidelity\": {")
                .contains("\"chunkWord\": { \"label\": \"chunk word\", \"matched\": ");
    }

    @Test
    void theTimingFieldsComeLastSoTheRestComparesByteForByte() throws IOException {
        ReplayResult r = ReplayEngine.replay(TraceFidelity.trace("git"), ReplayOptions.of("bump"));
        String withTiming = ReplayJson.render(r, true);
        String without = ReplayJson.render(r, false);

        int cut = withTiming.indexOf(",\n  \"seconds\": ");
        assertThat(cut).isPositive();
        assertThat(withTiming.substring(0, cut) + "\n}\n").isEqualTo(without);
        assertThat(withTiming)
                .containsPattern("\"seconds\": [0-9]+\\.[0-9]{6},\n  \"nsPerCall\": [0-9]+\\.[0-9]\n}\n$");
    }

    @Test
    void aGeneratedTracesSummaryIsTheGoldenOne() throws IOException {
        Path trace = tmp.resolve("simple.mrec");
        ReplayEngineTest.generate(trace, WorkloadGenerator.Shape.SIMPLE, 1, 2_000, 1, 64);
        String json = ReplayJson.render(ReplayEngine.replay(trace, ReplayOptions.of("bump")), false);

        assertThat(json).isEqualTo(resource("simple-bump.json"));
    }

    @Test
    void aDeathIsReportedWithItsSignalCallAndMessage() throws IOException {
        ReplayResult r = ReplayEngine.replay(
                TraceFidelity.trace("diff"),
                ReplayOptions.of("dying", (space, options) -> new DyingAllocator(space, DyingAllocator.Fate.ABORT, 3)));
        String json = ReplayJson.render(r, false);

        assertThat(json)
                .contains("\"completed\": false,")
                .contains("\"death\": {\n    \"signal\": \"SIGABRT\",\n    \"call\": 3,\n")
                .contains("\"message\": \"free(): double free detected in tcache 2\"")
                .contains("\"mallinfo2\": null,");
    }

    @Test
    void stringsAreEscapedAsJsonRequires() {
        assertThat(Json.str("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ReplayJsonTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Writes the golden file anew: run by hand after a deliberate change, then review the diff. */
    public static void main(String[] args) throws IOException {
        Path trace = Files.createTempFile("simple", ".mrec");
        ReplayEngineTest.generate(trace, WorkloadGenerator.Shape.SIMPLE, 1, 2_000, 1, 64);
        System.out.print(ReplayJson.render(ReplayEngine.replay(trace, ReplayOptions.of("bump")), false)
                .replace(trace.getFileName().toString(), "simple.mrec"));
        Files.delete(trace);
    }
}
