package org.mallocsim.replay.sweep;

import java.io.Serializable;
import org.mallocsim.kernel.mm.KernelConfig;
import org.mallocsim.traces.natives.NativeReplayer.Touch;

/**
 * What every replay of a sweep shares.
 *
 * @param touch    how each new block is written into (pages by default: RSS then means what a
 *                 program that uses its memory would have resident)
 * @param ramBytes the emulated RAM of each replay: frames come from direct memory as they are first
 *                 touched, so this bounds what one replay can take from the host, not what it takes
 */
public record SweepSettings(Touch touch, long ramBytes) implements Serializable {
    private static final long serialVersionUID = 1L;
    /** 1 GiB: above the peak RSS of every bundled trace by far, and four of them fit a 4 GiB host budget. */
    public static final long DEFAULT_RAM = 1L << 30;

    public static SweepSettings defaults() {
        return new SweepSettings(Touch.PAGE, DEFAULT_RAM);
    }

    /** The emulated kernel of each replay. */
    KernelConfig kernel() {
        return KernelConfig.defaults().toBuilder().ramBytes(ramBytes).build();
    }
}
