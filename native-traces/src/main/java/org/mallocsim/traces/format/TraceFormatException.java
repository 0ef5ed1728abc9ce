package org.mallocsim.traces.format;

import java.io.IOException;

/**
 * A trace that does not follow its format. The message names the file, the position (a 1-based
 * line for text formats, a byte offset for the binary one) and what was expected there.
 */
public final class TraceFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String source;
    private final long position;
    private final boolean byteOffset;

    public TraceFormatException(String source, long position, boolean byteOffset, String expected) {
        super(source + (byteOffset ? ": byte offset " : ": line ") + position + ": " + expected);
        this.source = source;
        this.position = position;
        this.byteOffset = byteOffset;
    }

    /** The file (or stream name) the error is in. */
    public String source() {
        return source;
    }

    /** The 1-based line, or the byte offset when {@link #isByteOffset()}. */
    public long position() {
        return position;
    }

    /** Whether {@link #position()} is a byte offset rather than a line number. */
    public boolean isByteOffset() {
        return byteOffset;
    }
}
