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
            if (extraKeyValues.get(i).equals(END_KEY)
                    && extraKeyValues.get(i + 1).equals(END_VALUE)) {
                return true;
            }
        }
        return false;
    }

    /** The first-line key that marks a trace made by the workload generator (its answers are placeholders). */
    public static final String GENERATED_KEY = "generated";
    /** The header line an importer adds, followed by the tool's name: {@code # imported from mtrace}. */
    public static final String IMPORTED_FROM = "imported from ";
    /** The header line that starts a forked child's trace: {@code # forked-from PARENTPID}. */
    public static final String FORKED_FROM = "forked-from ";
    /** The header lines that carry a {@code MALLOC_*} environment variable: {@code # env NAME=VALUE}. */
    public static final String ENV = "env ";
    /**
     * The header line with the machine's kernel settings a process's answers depend on, as name and
     * value pairs: {@code # kernel thp-enabled madvise pku 0 zero-page 1} (what the shell's
     * {@code --native} executor reports).
     */
    public static final String KERNEL = "kernel ";

    /** True for a trace the workload generator made: it holds calls, not glibc's answers. */
    public boolean generated() {
        for (int i = 0; i < extraKeyValues.size(); i += 2) {
            if (extraKeyValues.get(i).equals(GENERATED_KEY)) {
                return true;
            }
        }
        return false;
    }

    /** The tool a trace was imported from (mtrace, heaptrack), or null for mallocsim's own traces. */
    public String importedFrom() {
        for (String l : otherLines) {
            if (l.startsWith(IMPORTED_FROM)) {
                return l.substring(IMPORTED_FROM.length());
            }
        }
        return null;
    }

    /**
     * Whether the trace holds glibc's answers to compare a replay with: not when it was generated
     * or imported (mtrace and heaptrack record neither chunk words nor the break).
     */
    public boolean hasRecordedAnswers() {
        return !generated() && importedFrom() == null;
    }

    /** True when a forked child wrote the trace ({@code # forked-from PID}). */
    public boolean forkChild() {
        return otherLines.stream().anyMatch(l -> l.startsWith(FORKED_FROM));
    }

    /**
     * glibc's malloc settings of the recorded process, as environment variables:
     * {@code GLIBC_TUNABLES} from {@link #tunables} and each {@code # env MALLOC_...=VALUE} line.
     */
    public java.util.Map<String, String> mallocEnvironment() {
        java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
        if (tunables != null) {
            env.put("GLIBC_TUNABLES", tunables.trim());
        }
        for (String l : otherLines) {
            int eq = l.indexOf('=');
            if (l.startsWith(ENV + "MALLOC_") && eq > 0) {
                env.put(l.substring(ENV.length(), eq).trim(), l.substring(eq + 1));
            }
        }
        return env;
    }

    /**
     * The settings of the {@code # kernel} line ({@link #KERNEL}), name to value in the order
     * written; empty when the header has none.
     */
    public java.util.Map<String, String> kernelSettings() {
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
        for (String l : otherLines) {
            if (l.startsWith(KERNEL)) {
                String[] f = l.substring(KERNEL.length()).strip().split("\\s+", -1);
                for (int i = 0; i + 1 < f.length; i += 2) {
                    settings.put(f[i], f[i + 1]);
                }
            }
        }
        return settings;
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
