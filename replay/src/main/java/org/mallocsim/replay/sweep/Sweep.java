package org.mallocsim.replay.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.mallocsim.replay.ReplayEngine;
import org.mallocsim.replay.ReplayOptions;
import org.mallocsim.replay.ReplayResult;

/**
 * Runs a sweep's cells on a bounded pool of threads, each replay its own emulated process with
 * its own RAM. Rows come back in plan order whatever order the replays finish in, so the output
 * depends on the plan alone (timing aside).
 */
public final class Sweep {
    private Sweep() {}

    /**
     * How many replays may run at once: no more than the cores (or {@code requested} when
     * positive), the cells, and the emulated RAMs that fit half the host's physical memory (each
     * replay's frames are direct memory, outside the Java heap).
     */
    public static int threads(int requested, int cells, SweepSettings settings) {
        long budget = hostMemory() / 2;
        int byMemory = (int) Math.max(1, Math.min(Integer.MAX_VALUE, budget / settings.ramBytes()));
        int cores = requested > 0 ? requested : Runtime.getRuntime().availableProcessors();
        return Math.max(1, Math.min(Math.min(cores, byMemory), cells));
    }

    private static long hostMemory() {
        java.lang.management.OperatingSystemMXBean os =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * Replays every cell on {@code threads} threads; {@code done} is told how many cells have
     * finished, from the pool's threads.
     *
     * @throws IOException the first failure in plan order, naming its trace
     */
    public static List<SweepRow> run(List<SweepCell> cells, SweepSettings settings, int threads, IntConsumer done)
            throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sweep");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger finished = new AtomicInteger();
        try {
            List<Future<SweepRow>> futures = new ArrayList<>();
            for (SweepCell c : cells) {
                futures.add(pool.submit(() -> {
                    SweepRow row = replay(c, settings);
                    done.accept(finished.incrementAndGet());
                    return row;
                }));
            }
            List<SweepRow> rows = new ArrayList<>();
            for (Future<SweepRow> f : futures) {
                rows.add(join(f));
            }
            return rows;
        } finally {
            pool.shutdownNow();
        }
    }

    private static SweepRow join(Future<SweepRow> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        }
    }

    /** Replays one cell: the policy, with the cell's tunables set on top of the trace's own. */
    public static SweepRow replay(SweepCell cell, SweepSettings settings) throws IOException {
        String extra = cell.glibcTunables();
        // appended to the trace's GLIBC_TUNABLES by the engine: glibc reads them left to right, so these win
        ReplayOptions options = ReplayOptions.of(cell.policy())
                .withTouch(settings.touch())
                .withKernel(settings.kernel())
                .withTunables(extra.isEmpty() ? List.of() : List.of(extra.split(":")));
        ReplayResult r = ReplayEngine.replay(Path.of(cell.trace()), options);
        return SweepRow.of(cell, r);
    }
}
