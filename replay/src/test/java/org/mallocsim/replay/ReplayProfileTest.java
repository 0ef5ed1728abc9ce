package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mallocsim.allocator.ptmalloc.HeapWalk;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;

/** Live bytes, the timeline and the heap maps of a replay, against a plain model of the trace. */
class ReplayProfileTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"glibc", "bump"})
    void liveBytesFollowTheTraceAndTheTimelineCoversEveryCall(String policy) throws IOException {
        Path trace = TraceFidelity.trace("grep");
        ReplayResult r = ReplayEngine.replay(trace, ReplayOptions.of(policy).withHeapMaps(true));
        ReplayProfile p = r.profile();
        long[] model = liveBytes(trace);

        assertThat(p.peakLiveBytes()).isEqualTo(model[0]);
        assertThat(p.finalLiveBytes()).isEqualTo(model[1]);
        Timeline t = p.timeline();
        assertThat((t.buckets() - 1) * t.width()).isLessThan(r.calls());
        assertThat(t.buckets() * t.width()).isGreaterThanOrEqualTo(r.calls());
        long maxLive = 0;
        long maxRss = 0;
        for (int b = 0; b < t.buckets(); b++) {
            maxLive = Math.max(maxLive, t.max(Timeline.LIVE, b));
            maxRss = Math.max(maxRss, t.max(Timeline.RSS, b));
        }
        assertThat(maxLive).isEqualTo(model[0]);
        assertThat(maxRss).isEqualTo(r.mm().hiwaterRss());
        assertThat(p.peakHeapBytes()).isGreaterThanOrEqualTo(p.finalHeapBytes()).isPositive();
    }

    @Test
    void ptmallocsFinalMapWalksTheWholeHeapAndNamesTheCallOfEveryLiveChunk() throws IOException {
        Path trace = TraceFidelity.trace("tar");
        ReplayResult r = ReplayEngine.replay(trace, ReplayOptions.of("glibc").withHeapMaps(true));
        HeapMap m = r.profile().finalHeap();

        assertThat(m.regions).isGreaterThanOrEqualTo(1);
        assertThat(m.regionName[0]).isEqualTo("main heap");
        long expect = m.regionStart[0];
        long live = 0;
        int liveChunks = 0;
        for (int i = 0; i < m.chunks; i++) {
            if (m.regionOf[i] != 0) {
                continue;
            }
            assertThat(m.address[i]).as("chunk %d follows the previous one", i).isEqualTo(expect);
            expect += m.size[i];
            if (m.state[i] == HeapWalk.IN_USE) {
                assertThat(m.callOf[i]).isBetween(0L, r.calls() - 1);
                assertThat(m.asked[i]).isLessThanOrEqualTo(m.size[i]);
                live += m.asked[i];
                liveChunks++;
            }
        }
        assertThat(expect).isEqualTo(m.regionEnd[0]);
        assertThat(m.state[regionLast(m, 0)]).isEqualTo((byte) HeapWalk.TOP);
        for (int i = 0; i < m.chunks; i++) {
            if (m.state[i] == HeapMap.MMAPPED) {
                live += m.asked[i];
                liveChunks++;
            }
        }
        assertThat(live).isEqualTo(r.profile().finalLiveBytes());
        assertThat(liveChunks).isPositive();
        long resident = m.residentElsewhere();
        for (int c = 0; c < HeapMap.R_CLASSES; c++) {
            resident += m.resident(c);
        }
        assertThat(resident).isEqualTo(m.rssBytes());
        assertThat(m.resident(HeapMap.R_OWN)).as("the tcache_perthread_struct").isPositive();
    }

    @Test
    void theLargestMapIsTakenWithinAThirtySecondOfThePeakHeap() throws IOException {
        ReplayResult r = ReplayEngine.replay(
                TraceFidelity.trace("git"), ReplayOptions.of("glibc").withHeapMaps(true));
        HeapMap m = r.profile().largestHeap();
        assertThat(m).isNotNull();
        assertThat(m.heapBytes() + m.heapBytes() / 32 + 4096)
                .isGreaterThanOrEqualTo(r.profile().peakHeapBytes());
        assertThat(ReplayEngine.replay(TraceFidelity.trace("git"), ReplayOptions.of("glibc"))
                        .profile()
                        .largestHeap())
                .as("no maps unless asked")
                .isNull();
    }

    @Test
    void theJsonCarriesTheHeapLiveBytesAndWhereTheRssWent() throws IOException {
        Path trace = TraceFidelity.trace("grep");
        ReplayResult r = ReplayEngine.replay(trace, ReplayOptions.of("glibc"));
        long[] model = liveBytes(trace);
        String json = ReplayJson.render(r, false);
        assertThat(json)
                .contains("\"peakHeapBytes\": " + r.profile().peakHeapBytes() + ",\n")
                .contains("\"finalHeapBytes\": " + r.profile().finalHeapBytes() + ",\n")
                .contains("\"peakLiveBytes\": " + model[0] + ",\n")
                .contains("\"finalLiveBytes\": " + model[1] + ",\n")
                .contains("  \"heap\": {\n    \"peakLiveCall\": " + (r.profile().peakLiveCall() + 1) + ",\n")
                .containsPattern("\n    \"residentBytes\": \\{\n      \"liveData\": [0-9]+,");
        assertThat(r.heap().peakHeapBytes())
                .as("one heap measure")
                .isEqualTo(r.profile().peakHeapBytes());
        assertThat(r.heap().finalHeapBytes()).isEqualTo(r.profile().finalHeapBytes());
        assertThat(r.heap().peakLiveBytes())
                .as("one live measure")
                .isEqualTo(r.profile().peakLiveBytes());
    }

    @Test
    void theReserveOfThreadHeapsIsNotHeap() throws IOException {
        ReplayResult r = ReplayEngine.replay(TraceFidelity.trace("pythr"), ReplayOptions.of("glibc"));
        long reservedAtLeast = 64L << 20; // one thread heap's HEAP_MAX_SIZE mapping, mostly PROT_NONE
        assertThat(r.mm().totalVm() * 4096 - reservedAtLeast)
                .as("pythr maps thread heaps")
                .isPositive();
        assertThat(r.profile().finalHeapBytes())
                .isPositive()
                .isLessThan(r.mm().dataVm() * 4096)
                .isLessThan(reservedAtLeast);
    }

    @Test
    void extraTunablesComeAfterTheTracesOwn() {
        org.mallocsim.traces.format.TraceHeader h = new org.mallocsim.traces.format.TraceHeader();
        h.tunables = "glibc.malloc.mxfast=0";
        assertThat(ProcessStart.allocatorOptions(h, List.of("glibc.malloc.tcache_count=0")))
                .containsEntry("GLIBC_TUNABLES", "glibc.malloc.mxfast=0:glibc.malloc.tcache_count=0");
    }

    private static int regionLast(HeapMap m, int region) {
        int last = -1;
        for (int i = 0; i < m.chunks; i++) {
            if (m.regionOf[i] == region) {
                last = i;
            }
        }
        return last;
    }

    /** Peak and final live bytes of a trace with an ordinary map (recorded pointer → size). */
    static long[] liveBytes(Path trace) throws IOException {
        Map<Long, Long> live = new HashMap<>();
        long bytes = 0;
        long peak = 0;
        try (TraceReader in = Traces.open(trace)) {
            TraceEvent e = new TraceEvent();
            while (in.next(e)) {
                boolean releases = e.op == TraceEvent.FREE
                        || e.op == TraceEvent.REALLOC && e.arg0 != 0 && (e.result != 0 || e.arg1 == 0);
                if (releases && live.containsKey(e.arg0)) {
                    bytes -= live.remove(e.arg0);
                }
                if (TraceEvent.allocates(e.op) && e.result != 0) {
                    long size = e.op == TraceEvent.CALLOC
                            ? e.arg0 * e.arg1
                            : e.op == TraceEvent.REALLOC || e.op == TraceEvent.MEMALIGN_FAMILY ? e.arg1 : e.arg0;
                    Long before = live.put(e.result, size);
                    bytes += size - (before == null ? 0 : before);
                }
                peak = Math.max(peak, bytes);
            }
        }
        return new long[] {peak, bytes};
    }
}
