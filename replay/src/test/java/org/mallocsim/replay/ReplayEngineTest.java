package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mallocsim.kernel.mm.SyscallKind;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.TraceWriter;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.gen.TraceWriterSink;
import org.mallocsim.traces.gen.WorkloadGenerator;
import org.mallocsim.traces.io.OutputFile;
import org.mallocsim.traces.natives.NativeReplayer.Touch;

/** The engine with the bump allocator on the bundled traces and on generated ones. */
class ReplayEngineTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"grep", "diff", "git", "tar", "pyxml", "pythr"})
    void everyBundledTraceReplaysToItsEndWithTheBumpAllocator(String name) throws IOException {
        Path trace = TraceFidelity.trace(name);
        Path answers = tmp.resolve(name + ".mrecb");
        ReplayResult r = ReplayEngine.replay(trace, ReplayOptions.of("bump").withEmit(answers));

        assertWellFormed(answers);
        assertThat(r.death()).isNull();
        assertThat(r.fidelity()).isNotNull();
        assertThat(r.calls())
                .isEqualTo(r.fidelity().recordedCalls())
                .isEqualTo(r.fidelity().replayedCalls());
        assertThat(r.unknownPointers()).isZero();
        assertThat(r.failedAllocations()).isZero();
        assertThat(r.mallinfo2().uordblks()).isPositive();
        assertThat(r.peakLiveBlocks()).isEqualTo(peakLive(trace));
        assertThat(r.syscalls(SyscallKind.BRK)).isPositive();
    }

    @Test
    void theProcessStartsFromTheRecordedListingAndBreak() throws IOException {
        Path trace = TraceFidelity.trace("grep");
        long recordedStartBrk;
        try (TraceReader in = Traces.open(trace)) {
            recordedStartBrk = in.header().startBrk;
        }
        ReplayResult r = ReplayEngine.replay(trace, ReplayOptions.of("bump"));
        assertThat(r.startBrk()).isEqualTo(recordedStartBrk);
        assertThat(r.finalBrk()).isGreaterThan(recordedStartBrk);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(WorkloadGenerator.Shape.class)
    void aGeneratedTraceReplaysEveryCallWithWellFormedAnswers(WorkloadGenerator.Shape shape) throws IOException {
        Path trace = tmp.resolve(shape + ".mrec");
        int calls = generate(trace, shape, 7, 20_000, 3);
        Path answers = tmp.resolve(shape + "-answers.mrec");

        ReplayResult r = ReplayEngine.replay(trace, ReplayOptions.of("bump").withEmit(answers));

        assertThat(r.death()).isNull();
        assertThat(r.fidelity()).as("a generated trace holds no answers").isNull();
        assertThat(r.calls()).isEqualTo(calls);
        assertThat(r.unknownPointers()).isZero();
        assertWellFormed(answers);
    }

    /**
     * Every answer is one the bump policy can give: 16-aligned results (and as aligned as a
     * memalign asked, pages for valloc and pvalloc), chunk words whose size holds the request
     * with PREV_INUSE set, a break that never shrinks.
     */
    static void assertWellFormed(Path answers) throws IOException {
        try (TraceReader in = Traces.open(answers)) {
            TraceEvent e = new TraceEvent();
            long prevBrk = in.header().startBrk;
            while (in.next(e)) {
                assertThat(e.brk).as("brk never shrinks under bump").isGreaterThanOrEqualTo(prevBrk);
                prevBrk = e.brk;
                if (e.result != 0) {
                    long align = e.op == TraceEvent.MEMALIGN_FAMILY
                            ? Math.max(16, Long.highestOneBit(e.arg0 * 2 - 1))
                            : e.op == TraceEvent.VALLOC || e.op == TraceEvent.PVALLOC ? 4096 : 16;
                    assertThat(e.result & (align - 1))
                            .as("%s aligned to %d", e, align)
                            .isZero();
                    long request = e.op == TraceEvent.CALLOC
                            ? e.arg0 * e.arg1
                            : e.op == TraceEvent.MEMALIGN_FAMILY || e.op == TraceEvent.REALLOC ? e.arg1 : e.arg0;
                    assertThat((e.chunkWord & ~15L) - 8)
                            .as("usable size of %s", e)
                            .isGreaterThanOrEqualTo(request);
                    assertThat(e.chunkWord & 1).as("PREV_INUSE of %s", e).isEqualTo(1);
                }
            }
        }
    }

    @ParameterizedTest(name = "touch {0}")
    @EnumSource(Touch.class)
    void touchingMoreOfEachBlockNeverLowersTheResidentSet(Touch touch) throws IOException {
        Path trace = tmp.resolve("mixed.mrec");
        generate(trace, WorkloadGenerator.Shape.MIXED, 3, 5_000, 1);
        ReplayResult none = ReplayEngine.replay(trace, ReplayOptions.of("bump"));
        ReplayResult touched =
                ReplayEngine.replay(trace, ReplayOptions.of("bump").withTouch(touch));

        assertThat(touched.death()).isNull();
        assertThat(touched.mm().hiwaterRss()).isGreaterThanOrEqualTo(none.mm().hiwaterRss());
        assertThat(touched.finalBrk()).as("touching changes no answer").isEqualTo(none.finalBrk());
        if (touch == Touch.BYTE) {
            assertThat(touched.mm().hiwaterRss()).isGreaterThan(none.mm().hiwaterRss());
        }
    }

    /**
     * A free(NULL) in a trace (other recorders than ours write them) is a free of nothing, not an
     * unknown pointer; a pointer the trace returns again while its block is live (a free the
     * recorder never saw) leaves that block allocated and counted.
     */
    @Test
    void aFreeOfNullIsNothingAndAPointerReturnedAgainKeepsItsEarlierBlockLive() throws IOException {
        Path trace = tmp.resolve("null-and-again.mrec");
        java.nio.file.Files.writeString(
                trace,
                String.join(
                        "\n",
                        "# mrec 1 glibc 2.36 nprocs 2 start-brk 0x555555559000",
                        "1 m 100 = 0x5555555592a0 0x71 0x55555557a000",
                        "1 f 0x0 = 0x0 0x0 0x55555557a000",
                        "1 m 200 = 0x5555555592a0 0xd1 0x55555557a000",
                        "1 f 0x5555555592a0 = 0x0 0x0 0x55555557a000",
                        ""));
        ReplayResult r = ReplayEngine.replay(trace, ReplayOptions.of("glibc"));

        assertThat(r.death()).isNull();
        assertThat(r.unknownPointers()).isZero();
        assertThat(r.calls()).isEqualTo(4);
        assertThat(r.heap().finalLiveBytes())
                .as("the first block, never freed here")
                .isEqualTo(100);
        assertThat(r.peakLiveBlocks()).as("recorded pointers live at once").isEqualTo(1);
    }

    @Test
    void thePointerMapHoldsTheLiveBlocksNotTheTrace() throws IOException {
        // 200,000 calls that never hold more than 64 blocks per thread: the map stays small
        Path trace = tmp.resolve("thrash.mrecb");
        generate(trace, WorkloadGenerator.Shape.LARSON, 11, 200_000, 2, 64);
        ReplayResult r = ReplayEngine.replay(trace, ReplayOptions.of("bump"));

        assertThat(r.calls()).isGreaterThanOrEqualTo(200_000);
        assertThat(r.peakLiveBlocks()).isLessThanOrEqualTo(2 * 64);
    }

    @Test
    void bashsTwoMillionEventsReplayToTheEndWithTheMapHoldingOnlyTheLiveBlocks() throws IOException {
        Path trace = TraceFidelity.trace("bash");
        ReplayResult r = ReplayEngine.replay(trace, ReplayOptions.of("bump"));

        assertThat(r.death()).isNull();
        assertThat(r.events()).isEqualTo(2_262_625);
        assertThat(r.fidelity().replayedCalls()).isEqualTo(r.fidelity().recordedCalls());
        assertThat(r.peakLiveBlocks()).isEqualTo(peakLive(trace)).isLessThan(r.events() / 10);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mtrace", "heaptrack"})
    void importedTracesReplayWithoutAFidelityTable(String kind) throws IOException {
        Path trace = tmp.resolve("prog." + kind);
        java.nio.file.Files.writeString(
                trace,
                kind.equals("mtrace")
                        ? "= Start\n@ [0x7f00deadbeef] + 0x561a112664a0 0x64\n+ 0x561a11268030 0\n< 0x561a112664a0\n"
                                + "> 0x561a11269000 0x200\n- 0x561a11268030\n- 0x561a11269000\n= End\n"
                        : "v 10400 3\nX ./prog\n+ 40 1 5000\n+ 20 2 5040\n- 5000\n- 5040\n");
        ReplayResult r = ReplayEngine.replay(trace, ReplayOptions.of("bump"));

        assertThat(r.death()).isNull();
        assertThat(r.fidelity()).isNull();
        assertThat(r.calls())
                .as("mtrace: two mallocs, a realloc pair, two frees")
                .isEqualTo(kind.equals("mtrace") ? 5 : 4);
        assertThat(r.unknownPointers()).isZero();
        assertThat(r.mallinfo2().uordblks()).as("every block was freed").isZero();
    }

    /** The most pointers live at once in a trace, counted with an ordinary set. */
    static long peakLive(Path trace) throws IOException {
        Set<Long> live = new HashSet<>();
        long peak = 0;
        try (TraceReader in = Traces.open(trace)) {
            TraceEvent e = new TraceEvent();
            while (in.next(e)) {
                if (e.op == TraceEvent.FREE
                        || e.op == TraceEvent.REALLOC && e.arg0 != 0 && (e.result != 0 || e.arg1 == 0)) {
                    live.remove(e.arg0);
                }
                if (TraceEvent.allocates(e.op) && e.result != 0) {
                    live.add(e.result);
                }
                peak = Math.max(peak, live.size());
            }
        }
        return peak;
    }

    static int generate(Path file, WorkloadGenerator.Shape shape, long seed, int calls, int threads)
            throws IOException {
        return generate(file, shape, seed, calls, threads, 500);
    }

    static int generate(Path file, WorkloadGenerator.Shape shape, long seed, int calls, int threads, int maxLive)
            throws IOException {
        WorkloadGenerator.Params p = new WorkloadGenerator.Params(shape, seed, calls, threads, maxLive);
        try (OutputFile out = OutputFile.create(file)) {
            int made;
            try (TraceWriter w = Traces.create(out, file.toString().endsWith(".mrecb"))) {
                made = WorkloadGenerator.generate(p, new TraceWriterSink(w, p));
            }
            out.commit();
            return made;
        }
    }
}
