package org.mallocsim.replay;

import org.mallocsim.allocator.Allocator;
import org.mallocsim.traces.format.TraceEvent;

/**
 * What a caller of {@link ReplayEngine} may watch while the replay runs: how far it is, for a
 * progress bar, and the first call whose answers differ from the recorded ones, while the
 * allocator still holds the heap as that call left it (what {@code mallocsim compare} draws).
 * Both are called on the replaying thread; a listener must not make allocator calls.
 */
public interface ReplayListener {
    /** A listener that ignores everything. */
    ReplayListener NONE = new ReplayListener() {};

    /** How many calls between two {@link #progress} reports. */
    long PROGRESS_EVERY = 1 << 16;

    /** {@code calls} calls have been answered (every {@link #PROGRESS_EVERY}). */
    default void progress(long calls) {}

    /**
     * Called once, right after the first call whose answers differ from the recorded ones (only
     * for traces that carry recorded answers).
     *
     * @param allocator the allocator, as the call left it
     * @param call      the recorded call, with glibc's answers
     * @param result    the replay's result
     * @param argument  the emulated pointer the call freed or reallocated (0 for other calls)
     */
    default void firstMismatch(Allocator allocator, TraceEvent call, long result, long argument) {}
}
