package org.mallocsim.traces.natives;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the recorder's header lines without reading the calls. */
final class TraceHeaders {
    private TraceHeaders() {}

    /** True when the trace was written by a forked child ("# forked-from PID"). */
    static boolean isForkChild(Path trace) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(trace, StandardCharsets.US_ASCII)) {
            String line;
            while ((line = r.readLine()) != null && line.startsWith("#")) {
                if (line.startsWith("# forked-from ")) {
                    return true;
                }
            }
        }
        return false;
    }
}
