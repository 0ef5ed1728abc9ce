package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mallocsim.kernel.mm.SyscallKind;

/** The report's page and data, without a browser (ReplayReportBrowserTest opens it in one). */
class ReplayReportTest {
    @TempDir
    Path tmp;

    @Test
    void thePageInlinesEverythingAndItsDataHoldsTheTimelineAndBothMaps() throws IOException {
        ReplayResult r = ReplayEngine.replay(
                TraceFidelity.trace("diff"), ReplayOptions.of("glibc").withHeapMaps(true));
        String page = ReplayReport.render(r);

        assertThat(page)
                .startsWith("<!DOCTYPE html>")
                .doesNotContain("/*@")
                .doesNotContain("@TITLE@")
                .doesNotContain("@SUMMARY@")
                .contains("uPlot (v1.6.32)")
                .contains(".uplot");
        String data = ReplayReport.data(r);
        assertThat(data).doesNotContain("</");
        assertThat(data).contains("\"series\":{\"calls\":" + r.calls() + ",\"kinds\":[\"brk\",\"mmap\",");
        assertThat(count(data, "\"when\":")).isEqualTo(2);
        assertThat(data).contains("\"when\":\"at the end\",\"atCall\":" + r.calls() + ",");
        Matcher sizes = Pattern.compile("\"size\":\\[([0-9,]*)\\]").matcher(data);
        assertThat(sizes.find()).isTrue();
        assertThat(sizes.group(1).split(",").length)
                .isEqualTo(r.profile().largestHeap().chunks());
    }

    @Test
    void theSeriesHoldsEveryCallsValuesAsTheTimelineSawThem() throws IOException {
        // grep's 22,888 calls fit the timeline's buckets one call each, so it holds every value too
        ReplayResult r = ReplayEngine.replay(
                TraceFidelity.trace("grep"), ReplayOptions.of("glibc").withHeapMaps(true));
        Timeline t = r.profile().timeline();
        CallSeries s = r.profile().series();
        assertThat(t.width()).isEqualTo(1);
        assertThat(s.calls()).isEqualTo(r.calls()).isEqualTo(t.buckets());
        int n = (int) r.calls();
        long[][] steps = new long[3][];
        for (int m = CallSeries.RSS; m <= CallSeries.HEAP; m++) {
            steps[m] = CallSeriesDecoder.steps(CallSeriesDecoder.inflate(s.gzip(m)), n);
        }
        long[] live = CallSeriesDecoder.running(CallSeriesDecoder.inflate(s.gzip(CallSeries.LIVE)), n);
        long[][] sys = CallSeriesDecoder.syscalls(
                CallSeriesDecoder.inflate(s.gzip(CallSeries.SYS)), n, SyscallKind.values().length);
        int[] metric = {Timeline.RSS, Timeline.VM, Timeline.HEAP};
        for (int i = 0; i < n; i++) {
            for (int m = 0; m < 3; m++) {
                assertThat(steps[m][i]).as("metric %d after call %d", m, i).isEqualTo(t.max(metric[m], i));
            }
            assertThat(live[i]).as("live bytes after call %d", i).isEqualTo(t.max(Timeline.LIVE, i));
            for (SyscallKind k : SyscallKind.values()) {
                assertThat(sys[k.ordinal()][i]).as("%s up to call %d", k, i).isEqualTo(t.syscallsUpTo(k, i));
            }
        }
        assertThat(sys[SyscallKind.BRK.ordinal()][n - 1]).isPositive();
        assertThat(s.compressedBytes()).as("compressed bytes for %d calls", n).isLessThan(2L * n);
    }

    @Test
    void aReplayWithoutMapsKeepsNoSeries() throws IOException {
        ReplayResult r = ReplayEngine.replay(TraceFidelity.trace("diff"), ReplayOptions.of("glibc"));
        assertThat(r.profile().series()).isNull();
        assertThat(ReplayReport.data(r)).doesNotContain("\"series\"");
    }

    @Test
    void aProcessThatDiedGetsAReportWithItsDeathAndNoFinalMap() throws IOException {
        ReplayOptions dying = ReplayOptions.of(
                        "dying", (space, options) -> new DyingAllocator(space, DyingAllocator.Fate.ABORT, 100))
                .withHeapMaps(true);
        ReplayResult r = ReplayEngine.replay(TraceFidelity.trace("grep"), dying);
        Path html = tmp.resolve("died.html");
        ReplayReport.write(r, html, TraceFidelity.trace("grep"));

        String page = Files.readString(html);
        assertThat(r.profile().finalHeap()).isNull();
        assertThat(page)
                .contains("\"death\":{\"call\":100,\"what\":\"killed by SIGABRT at call 100 ")
                .contains("process killed by SIGABRT at call 100");
        assertThat(ReplayReport.data(r)).doesNotContain("\"when\":\"at the end\"");
    }

    @Test
    void aMapOverTheLimitMergesNeighboursOfOneStateIntoRunsThatKeepEveryByte() throws IOException {
        ReplayResult r = ReplayEngine.replay(TraceFidelity.trace("diff"), ReplayOptions.of("glibc"));
        HeapMap m = r.profile().finalHeap();
        assertThat(ReplayReport.data(r)).contains("\"merged\":1,").doesNotContain("\"count\":[");

        int limit = m.chunks() / 4;
        int k = (m.chunks() + limit - 1) / limit;
        String data = ReplayReport.data(r, limit);
        assertThat(k).isGreaterThanOrEqualTo(4);
        assertThat(data).contains("\"merged\":" + k + ",");
        long[] counts = column(data, "count");
        long[] sizes = column(data, "size");
        assertThat(sizes.length).isLessThan(m.chunks()).isEqualTo(counts.length);
        assertThat(java.util.Arrays.stream(counts).sum()).isEqualTo(m.chunks());
        assertThat(java.util.Arrays.stream(counts).max().getAsLong()).isLessThanOrEqualTo(k);
        long bytes = 0;
        for (int i = 0; i < m.chunks(); i++) {
            bytes += m.size[i];
        }
        assertThat(java.util.Arrays.stream(sizes).sum()).isEqualTo(bytes);
    }

    private static long[] column(String data, String name) {
        Matcher c = Pattern.compile("\"" + name + "\":\\[([0-9,]*)\\]").matcher(data);
        assertThat(c.find()).as(name).isTrue();
        return java.util.Arrays.stream(c.group(1).split(","))
                .mapToLong(Long::parseLong)
                .toArray();
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
