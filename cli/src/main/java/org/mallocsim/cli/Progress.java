package org.mallocsim.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for long work: shown only on a terminal, outside CI, and only once the
 * work has taken more than a second, so short commands and piped or logged output stay clean.
 * Updates are cheap (a clock read) until the bar appears.
 */
final class Progress implements AutoCloseable {
    private static final long DELAY_NS = 1_000_000_000L;
    private final String task;
    private final String unit;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long max;
    private ProgressBar bar;

    private Progress(String task, String unit, long max, boolean enabled) {
        this.task = task;
        this.unit = unit;
        this.max = max;
        this.enabled = enabled;
    }

    /**
     * A bar for {@code task}, counting {@code unit}s up to {@code max} (-1 when not known).
     * Disabled when stderr is not a terminal or the environment variable CI is set.
     */
    static Progress start(String task, String unit, long max) {
        boolean terminal = System.console() != null && System.getenv("CI") == null;
        return new Progress(task, unit, max, terminal);
    }

    /** A bar that never shows (for tests and non-interactive use). */
    static Progress none() {
        return new Progress("", "", -1, false);
    }

    /** Moves the bar to {@code n} done. */
    void stepTo(long n) {
        if (!enabled) {
            return;
        }
        if (bar == null) {
            if (System.nanoTime() - start < DELAY_NS) {
                return;
            }
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setUnit(" " + unit, 1)
                    .setInitialMax(max)
                    .setStyle(ProgressBarStyle.ASCII)
                    .continuousUpdate()
                    .clearDisplayOnFinish()
                    .build();
        }
        bar.stepTo(n);
    }

    /** Sets the total once it is known. */
    void maxHint(long n) {
        max = n;
        if (bar != null) {
            bar.maxHint(n);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
