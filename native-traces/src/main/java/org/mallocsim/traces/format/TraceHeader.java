package org.mallocsim.traces.format;

import java.util.ArrayList;
import java.util.List;

/**
 * What a trace says about the process before its first event. Fields a format does not carry
 * stay at their "absent" values ({@code null}, 0, {@code hasStartBrk == false}, empty lists).
 */
public final class TraceHeader {
    /** The mrec format version ({@code # mrec N}). */
    public int version = 1;
    public String glibcVersion;
    /** CPUs online; 0 when absent. */
    public int nprocs;
    public long startBrk;
    public boolean hasStartBrk;
    /** {@code GLIBC_TUNABLES} of the recorded process, or null. */
    public String tunables;
    /** {@code /proc/self/maps} lines at the first call, verbatim, without newlines. */
    public final List<String> maps = new ArrayList<>();
    /** Other key/value pairs of the first header line, in order: key, value, key, value, ... */
    public final List<String> extraKeyValues = new ArrayList<>();
    /** Other header lines, verbatim after {@code "# "}. */
    public final List<String> otherLines = new ArrayList<>();

    /** The first-line key and value by which a text trace promises its closing {@code # end N} line. */
    public static final String END_KEY = "end";
    public static final String END_VALUE = "line";

    /**
     * Whether the first line carries {@code end line}: the text trace then ends with a line
     * {@code # end N} (N = its event lines), so a trace cut at a line boundary is detected.
     */
    public boolean promisesEndLine() {
        for (int i = 0; i + 1 < extraKeyValues.size(); i += 2) {
            if (extraKeyValues.get(i).equals(END_KEY) && extraKeyValues.get(i + 1).equals(END_VALUE)) {
                return true;
            }
        }
        return false;
    }

    /** Sets the start brk; returns this. */
    public TraceHeader startBrk(long brk) {
        this.startBrk = brk;
        this.hasStartBrk = true;
        return this;
    }

    /** Copies all of {@code other} into this header. */
    public void copyFrom(TraceHeader other) {
        version = other.version;
        glibcVersion = other.glibcVersion;
        nprocs = other.nprocs;
        startBrk = other.startBrk;
        hasStartBrk = other.hasStartBrk;
        tunables = other.tunables;
        maps.clear();
        maps.addAll(other.maps);
        extraKeyValues.clear();
        extraKeyValues.addAll(other.extraKeyValues);
        otherLines.clear();
        otherLines.addAll(other.otherLines);
    }
}
