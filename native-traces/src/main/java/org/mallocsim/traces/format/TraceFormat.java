package org.mallocsim.traces.format;

/** The trace encodings mallocsim knows; see docs/trace-format.md. */
public enum TraceFormat {
    /** The mrec text format. */
    TEXT,
    /** The mrec text format, zstd-compressed. */
    TEXT_ZSTD,
    /** The mrecb binary format. */
    BINARY,
    /** The mrecb binary format, zstd-compressed. */
    BINARY_ZSTD,
    /** glibc's mtrace output (import only). */
    MTRACE,
    /** heaptrack's data files (import only). */
    HEAPTRACK
}
