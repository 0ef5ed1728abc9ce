package org.mallocsim.sweep.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.mallocsim.replay.sweep.Sweep;
import org.mallocsim.replay.sweep.SweepCell;
import org.mallocsim.replay.sweep.SweepRow;
import org.mallocsim.replay.sweep.SweepSettings;

/**
 * A sweep as a Spark job: one partition per cell, each replayed by {@link Sweep#replay} in an
 * executor, rows collected and put back in plan order. With {@code local[*]} Spark runs embedded
 * in this JVM; with a cluster's master URL every executor must see the traces at the same paths
 * (a shared file system) and have mallocsim's classes (submit the sweep-spark jar with its
 * dependencies). {@code mallocsim sweep --engine spark} calls {@link #run} by name.
 */
public final class SparkSweep {
    private SparkSweep() {}

    /**
     * Replays {@code cells} on the Spark master {@code master}.
     *
     * @throws IOException the first replay's failure, naming its trace
     */
    public static List<SweepRow> run(List<SweepCell> cells, SweepSettings settings, String master) throws IOException {
        SparkConf conf = new SparkConf()
                .setMaster(master)
                .setAppName("mallocsim sweep")
                .set("spark.ui.enabled", "false")
                .set("spark.ui.showConsoleProgress", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            List<SweepRow> rows = new ArrayList<>(sc.parallelize(cells, Math.max(1, cells.size()))
                    .map(c -> replay(c, settings))
                    .collect());
            rows.sort(Comparator.comparingInt(SweepRow::index));
            return rows;
        } catch (RuntimeException e) {
            Throwable t = e;
            while (t != null) {
                if (t instanceof UncheckedIOException u) {
                    throw u.getCause();
                }
                t = t.getCause();
            }
            throw e;
        }
    }

    /** Spark's functions may not throw checked exceptions; the driver unwraps this one. */
    private static SweepRow replay(SweepCell c, SweepSettings settings) {
        try {
            return Sweep.replay(c, settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
