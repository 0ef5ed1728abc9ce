package org.mallocsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.cli.BundledTraces.trace;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mallocsim.allocator.Allocators;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceFormat;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.TraceWriter;
import org.mallocsim.traces.format.Traces;

/** {@code mallocsim compare}: faithful traces exit 0, one edited answer exits 1 and is shown, errors are one line. */
class CompareCommandTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"grep", "diff", "git"})
    void aBundledTraceIsFaithfulAndExitsZero(String name) {
        Cli.Result r = Cli.run("compare", trace(name).toString());

        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .startsWith("compare of " + name + ".mrec.zst with glibc: ")
                .containsPattern(": ([0-9]+) calls recorded, \\1 replayed: faithful\n")
                .containsPattern("  main-arena offset +([0-9]+) +\\1 +100.00%\n")
                .containsPattern("  chunk word +([0-9]+) +\\1 +100.00%\n")
                .containsPattern("  brk offset +([0-9]+) +\\1 +100.00%\n")
                .contains(
                        "  thread-arena heap+offset ",
                        "  mmapped page offset+word ",
                        "  NULL result ",
                        "  mmapped absolute address (info) ")
                .doesNotContain("first divergence");
    }

    @Test
    void oneEditedAnswerExitsOneAndShowsBothAnswersAndTheHeapAround() throws Exception {
        Path edited = tmp.resolve("git-edited.mrec");
        long[] changed = editOneMallocResult(trace("git"), edited, 244, 0x10);

        Cli.Result r = Cli.run("compare", edited.toString());

        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isEqualTo(1);
        String rec = Long.toHexString(changed[0] + 0x10);
        String ours = Long.toHexString(changed[0]);
        assertThat(r.out())
                .contains(": DIVERGES\n")
                .containsPattern("  main-arena offset +([0-9]+) +[0-9]+ +99\\.[0-9]+%\n")
                .contains("first divergence: call 245 (index 244), line " + changed[1] + " of the trace: m ")
                .containsPattern("  recorded \\(glibc\\): +0x" + rec + " \\(start-brk\\+0x[0-9a-f]+\\), chunk word 0x")
                .containsPattern("  replayed \\(glibc\\): +0x" + ours + " \\(start-brk\\+0x[0-9a-f]+\\), chunk word 0x")
                .contains("  differs in: main-arena offset\n")
                .contains("emulated heap after that call, around 0x" + ours + ":\n  arena 0 (main)\n")
                .containsPattern("  in use   <-- 0x" + ours + "\n")
                .contains("  bins of the main arena:\n    tcache:  ", "    unsorted: ", "    top:       0x");

        Cli.Result json = Cli.run("compare", edited.toString(), "--json");
        assertThat(json.code()).isEqualTo(1);
        assertThat(json.out())
                .contains(
                        "\"faithful\": false",
                        "\"call\": 244",
                        "\"line\": " + changed[1],
                        "\"recorded\": { \"result\": \"0x" + rec + "\"",
                        "\"replayed\": { \"result\": \"0x" + ours + "\"",
                        "\"differsIn\": [\"mainArena\"]",
                        "<-- 0x" + ours + "\\n");
    }

    @Test
    void jsonOfAFaithfulTraceHasEveryClassAndNoDivergence() {
        Cli.Result r = Cli.run("compare", trace("diff").toString(), "--json");

        assertThat(r.code()).isZero();
        assertThat(r.out())
                .startsWith(
                        "{\n  \"trace\": \"diff.mrec.zst\",\n  \"allocator\": \"glibc\",\n" + "  \"faithful\": true,\n")
                .contains(
                        "\"mainArena\": { \"label\": \"main-arena offset\", \"matched\": ",
                        "\"mmappedAbsolute\": { \"label\": \"mmapped absolute address\", \"matched\": 0, \"total\": 8, "
                                + "\"required\": false }")
                .endsWith("  \"firstDivergence\": null\n}\n");
    }

    @Test
    void aTunableTheRecordedProcessDidNotHaveMakesTheAnswersDiverge() {
        Cli.Result r = Cli.run("compare", trace("git").toString(), "--tunable", "tcache_count=0");

        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("first divergence: call ", "tcache:  ");
    }

    @Test
    void anotherPolicyDivergesAtOnceAndSaysItHasNoHeapPicture() {
        Cli.Result r = Cli.run("compare", trace("git").toString(), "--allocator", "bump");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out())
                .startsWith("compare of git.mrec.zst with bump: ")
                .contains("first divergence: call 1 (index 0), line ", "  replayed (bump):  0x")
                .contains("(only the glibc policy draws its heap)\n");
    }

    @Test
    void everyBadInputIsOneLineAndExitsTwo() throws Exception {
        Path missing = tmp.resolve("nope.mrec");
        assertError(Cli.run("compare", missing.toString()), missing + ": cannot read (no such file)");

        Path junk = tmp.resolve("junk.txt");
        Files.writeString(junk, "hello\n");
        assertError(Cli.run("compare", junk.toString()), junk + ": ");

        Path generated = tmp.resolve("gen.mrec");
        assertThat(Cli.run("generate", "--calls", "100", "-o", generated.toString())
                        .code())
                .isZero();
        assertError(
                Cli.run("compare", generated.toString()), generated + ": a generated trace holds no recorded answers");

        Path mtrace = tmp.resolve("prog.mtrace");
        try (var in = CompareCommandTest.class.getResourceAsStream("real.mtrace")) {
            Files.copy(in, mtrace);
        }
        assertError(
                Cli.run("compare", mtrace.toString()), mtrace + ": an import from mtrace holds no recorded answers");

        assertError(
                Cli.run("compare", trace("git").toString(), "--allocator", "nonesuch"),
                "no allocator named 'nonesuch' (known: " + String.join(", ", Allocators.names()) + ")\n");
        assertError(
                Cli.run("compare", trace("git").toString(), "--tunable", "tcache_cuont=0"),
                "--tunable tcache_cuont=0: expected NAME=VALUE with a glibc.malloc tunable");
        assertError(
                Cli.run("compare", trace("git").toString(), "--tunable", "arena_max=0"),
                "--tunable arena_max=0: expected NAME=VALUE");
    }

    private static void assertError(Cli.Result r, String start) {
        assertThat(r.code()).as(r.all()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .startsWith("mallocsim compare: " + start)
                .doesNotContain("\tat ")
                .endsWith("\n");
        assertThat(r.err().lines()).hasSize(1);
    }

    /**
     * Writes {@code in} as plain text with the result of the {@code call}-th call (0-based, which
     * must be a main-arena malloc) moved by {@code delta}; returns its original result and its
     * line in the written trace.
     */
    private static long[] editOneMallocResult(Path in, Path out, long call, long delta) throws Exception {
        long[] changed = null;
        try (TraceReader r = Traces.open(in);
                OutputStream os = Files.newOutputStream(out);
                TraceWriter w = Traces.create(os, TraceFormat.TEXT)) {
            w.writeHeader(r.header());
            TraceEvent e = new TraceEvent();
            long calls = 0;
            while (r.next(e)) {
                boolean isCall = e.op == TraceEvent.FREE || TraceEvent.allocates(e.op);
                if (isCall && calls++ == call) {
                    assertThat((char) e.op).isEqualTo('m');
                    assertThat(e.chunkWord & 6).isZero();
                    changed = new long[] {e.result, e.position};
                    e.result += delta;
                }
                w.write(e);
            }
        }
        assertThat(changed).isNotNull();
        return changed;
    }
}
