package org.mallocsim.replay;

/** Told how far a replay has read, every {@link #EVERY} events, for a progress bar. */
@FunctionalInterface
public interface ReplayProgress {
    /** Events between two reports: a power of two, so the check is a mask. */
    long EVERY = 1 << 16;

    /** {@code events} events of the trace have been read. */
    void eventsRead(long events);
}
