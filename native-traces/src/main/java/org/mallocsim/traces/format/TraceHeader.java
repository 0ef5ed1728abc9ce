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
