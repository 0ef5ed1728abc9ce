package org.mallocsim.replay.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mallocsim.kernel.mm.SyscallKind;
import org.mallocsim.replay.TraceFidelity;

class SweepTest {
    private static final List<String> TRACES = List.of(
            TraceFidelity.trace("git").toString(), TraceFidelity.trace("pyxml").toString());

    private static SweepPlan plan() {
        return SweepPlan.of(
                TRACES,
                List.of("glibc", "tlsf", "buddy"),
                List.of("glibc.malloc.mmap_threshold=4096,131072", "tcache_count=0,7"));
    }

    private static List<SweepRow> untimed(List<SweepRow> rows) {
        List<SweepRow> u = new ArrayList<>();
        for (SweepRow r : rows) {
            u.add(r.withoutTiming());
        }
        return u;
    }

    @Test
    void thePlanCoversEveryCombinationInTraceThenPolicyThenTunableOrder() {
        List<SweepCell> cells = plan().cells();
        assertThat(cells).hasSize(2 * (2 * 2 + 1 + 1)); // the tunables vary glibc alone
        assertThat(cells.get(0).trace()).endsWith("git.mrec.zst");
        assertThat(cells.get(0).glibcTunables())
                .isEqualTo("glibc.malloc.mmap_threshold=4096:glibc.malloc.tcache_count=0");
        assertThat(cells.get(1).glibcTunables())
                .isEqualTo("glibc.malloc.mmap_threshold=4096:glibc.malloc.tcache_count=7");
        assertThat(cells.get(2).glibcTunables())
                .isEqualTo("glibc.malloc.mmap_threshold=131072:glibc.malloc.tcache_count=0");
        assertThat(cells.get(4).policy()).isEqualTo("tlsf");
        assertThat(cells.get(4).tunables()).isEmpty();
        assertThat(cells.get(5).policy()).isEqualTo("buddy");
        assertThat(cells.get(6).trace()).endsWith("pyxml.mrec.zst");
        for (int i = 0; i < cells.size(); i++) {
            assertThat(cells.get(i).index()).isEqualTo(i);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    void rowsAreTheSameWhateverTheThreadCountAndTheOrderTheCellsRunIn(long seed) throws IOException {
        List<SweepCell> cells = plan().cells();
        List<SweepRow> serial = untimed(Sweep.run(cells, SweepSettings.defaults(), 1, n -> {}));

        List<SweepCell> shuffled = new ArrayList<>(cells);
        Collections.shuffle(shuffled, new Random(seed));
        ConcurrentLinkedQueue<Integer> progress = new ConcurrentLinkedQueue<>();
        List<SweepRow> parallel =
                new ArrayList<>(untimed(Sweep.run(shuffled, SweepSettings.defaults(), 3, progress::add)));
        parallel.sort((a, b) -> Integer.compare(a.index(), b.index()));

        assertThat(parallel).containsExactlyElementsOf(serial);
        assertThat(progress).hasSize(cells.size()).contains(cells.size());
        assertThat(SweepTables.csv(parallel, false)).isEqualTo(SweepTables.csv(serial, false));
    }

    @Test
    void tunablesReachTheGlibcPolicyAndChangeWhatItCosts() throws IOException {
        SweepPlan p = SweepPlan.of(
                List.of(TRACES.get(1)), List.of("glibc"), List.of("glibc.malloc.mmap_threshold=4096,33554432"));
        List<SweepRow> rows = Sweep.run(p.cells(), SweepSettings.defaults(), 2, n -> {});
        // Everything of a page or more is mmapped at the low threshold: far more mmap calls.
        assertThat(rows.get(0).syscalls(SyscallKind.MMAP))
                .isGreaterThan(rows.get(1).syscalls(SyscallKind.MMAP) + 10);
        assertThat(rows.get(0).outcome()).isEqualTo("ok");
        assertThat(rows.get(0).peakRssBytes())
                .isGreaterThanOrEqualTo(rows.get(0).finalRssBytes())
                .isPositive();
        assertThat(rows.get(0).rssPages()).isNotEmpty();
        assertThat(rows.get(0).peakLiveBytes()).isEqualTo(rows.get(1).peakLiveBytes());
    }

    @Test
    void badPlansAreRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> SweepPlan.of(TRACES, List.of("glibc", "nope"), List.of()))
                .hasMessageContaining("no allocator named 'nope'");
        assertThatThrownBy(() -> SweepPlan.of(TRACES, List.of("glibc"), List.of("glibc.malloc.mmap_treshold=1")))
                .hasMessageContaining("mmap_treshold")
                .hasMessageContaining("mmap_threshold");
        assertThatThrownBy(() -> SweepPlan.of(TRACES, List.of("glibc"), List.of("mxfast=8,x")))
                .hasMessageContaining("'x' is not a non-negative integer");
        assertThatThrownBy(() -> SweepPlan.of(TRACES, List.of("glibc"), List.of("mxfast")))
                .hasMessageContaining("expected glibc.malloc.NAME=v1,v2");
    }

    @Test
    void aMissingTraceFailsTheSweepNamingTheFile() {
        SweepPlan p = SweepPlan.of(List.of("/nonexistent/x.mrec"), List.of("glibc"), List.of());
        assertThatThrownBy(() -> Sweep.run(p.cells(), SweepSettings.defaults(), 1, n -> {}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("/nonexistent/x.mrec");
    }

    @Test
    void theReportIsOnePageWithAChartPerMetricAndAnRssLinePerRow() throws IOException {
        SweepPlan p = SweepPlan.of(List.of(TRACES.get(0)), List.of("glibc", "buddy"), List.of());
        List<SweepRow> rows = Sweep.run(p.cells(), SweepSettings.defaults(), 2, n -> {});
        String html = SweepReport.render(rows, false);
        assertThat(html)
                .startsWith("<!DOCTYPE html>")
                .doesNotContain("<script")
                .doesNotContain("http://")
                .doesNotContain("https://");
        assertThat(html.split("<polyline", -1)).hasSize(1 + rows.size());
        assertThat(html.split("<svg", -1)).hasSize(1 + 1 + 8);
        assertThat(html).contains("Peak RSS (MiB)").contains("git.mrec.zst: RSS (MiB) over calls");
    }
}
