package org.mallocsim.traces.format;

import java.io.IOException;

/** A streaming reader of one trace; never holds more than a buffer of it. */
public interface TraceReader extends AutoCloseable {
    /** The trace's header, read when the reader was opened. */
    TraceHeader header();

    /**
     * Reads the next event into {@code into}.
     *
     * @return false at the regular end of the trace
     * @throws TraceFormatException when the trace is malformed or truncated (in lenient mode, only
     *     for damage that cannot be skipped)
     */
    boolean next(TraceEvent into) throws IOException;

    /** How many malformed records were skipped with a warning (lenient mode only). */
    default long warnings() {
        return 0;
    }

    @Override
    void close() throws IOException;
}
