package org.mallocsim.sweep.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mallocsim.replay.sweep.Sweep;
import org.mallocsim.replay.sweep.SweepCell;
import org.mallocsim.replay.sweep.SweepPlan;
import org.mallocsim.replay.sweep.SweepRow;
import org.mallocsim.replay.sweep.SweepSettings;
import org.mallocsim.replay.sweep.SweepTables;

class SparkSweepTest {
    private static String trace(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path t = dir.resolve("traces").resolve(name + ".mrec.zst");
            if (Files.exists(t)) {
                return t.toString();
            }
        }
        throw new IllegalStateException(name);
    }

    private static List<SweepRow> untimed(List<SweepRow> rows) {
        List<SweepRow> u = new ArrayList<>();
        for (SweepRow r : rows) {
            u.add(r.withoutTiming());
        }
        return u;
    }

    @Test
    void aSweepInSparkLocalModeGivesTheInProcessSweepsTableRowForRow() throws IOException {
        List<SweepCell> cells = SweepPlan.of(
                        List.of(trace("git"), trace("pyxml")),
                        List.of("glibc", "tlsf", "buddy"),
                        List.of("glibc.malloc.mmap_threshold=16384,1048576"))
                .cells();
        SweepSettings s = SweepSettings.defaults();
        List<SweepRow> spark = untimed(SparkSweep.run(cells, s, "local[2]"));
        List<SweepRow> local = untimed(Sweep.run(cells, s, 2, n -> {}));
        assertThat(spark).hasSize(cells.size()).containsExactlyElementsOf(local);
        assertThat(SweepTables.text(spark, false)).isEqualTo(SweepTables.text(local, false));
    }

    @Test
    void aReplayThatFailsInAnExecutorFailsTheJobNamingTheTrace() {
        List<SweepCell> cells = SweepPlan.of(List.of("/nonexistent/t.mrec"), List.of("glibc"), List.of())
                .cells();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> SparkSweep.run(cells, SweepSettings.defaults(), "local[1]"))
                .hasMessageContaining("/nonexistent/t.mrec");
    }
}
