package org.mallocsim.traces.format;

import java.io.IOException;

/** A streaming writer of one trace. The header is written first, then each event in order. */
public interface TraceWriter extends AutoCloseable {
    /** Writes the header; must be called once, before the first event. */
    void writeHeader(TraceHeader header) throws IOException;

    /** Appends one event. */
    void write(TraceEvent event) throws IOException;

    /** Finishes the trace (end marker, compression frame) and closes the stream. */
    @Override
    void close() throws IOException;
}
