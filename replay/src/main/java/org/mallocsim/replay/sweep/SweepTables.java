package org.mallocsim.replay.sweep;

import static org.mallocsim.traces.io.Json.str;

import java.util.List;
import java.util.Locale;
import org.mallocsim.kernel.mm.SyscallKind;

/**
 * A sweep's rows as a text table, CSV (RFC 4180) or JSON. Byte counts are exact in CSV and
 * JSON and in KiB in the text table; the timing column is left out when asked, so two runs of
 * one plan print the same bytes.
 */
public final class SweepTables {
    private SweepTables() {}

    private static final String[] HEAD = {
        "trace",
        "policy",
        "tunables",
        "outcome",
        "calls",
        "peak_rss",
        "final_rss",
        "peak_vm",
        "heap_at_peak_live",
        "peak_live",
        "frag_peak_live_pct",
        "frag_peak_heap_pct",
        "peak_heap_over_live_pct"
    };

    /** A fixed-width table for people; sizes in KiB. */
    public static String text(List<SweepRow> rows, boolean timing) {
        StringBuilder sb = new StringBuilder();
        int tw = 5;
        int pw = 6;
        for (SweepRow r : rows) {
            tw = Math.max(tw, r.trace().length());
            pw = Math.max(pw, r.label().length());
        }
        String f = "%-" + tw + "s  %-" + pw
                + "s  %-7s %9s %10s %10s %10s %10s %10s %7s %7s %7s %6s %6s %6s %6s %6s %6s %9s";
        sb.append(String.format(
                Locale.ROOT,
                f,
                "trace",
                "policy",
                "outcome",
                "calls",
                "peakRSS",
                "finalRSS",
                "peakVM",
                "heap@live",
                "peakLive",
                "frag2%",
                "frag3%",
                "frag4%",
                "brk",
                "mmap",
                "munmap",
                "mprot",
                "mremap",
                "madv",
                "faults"));
        if (timing) {
            sb.append(String.format(Locale.ROOT, " %8s", "ns/call"));
        }
        sb.append('\n');
        for (SweepRow r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    f,
                    r.trace(),
                    r.label(),
                    r.outcome(),
                    r.calls(),
                    kib(r.peakRssBytes()),
                    kib(r.finalRssBytes()),
                    kib(r.peakVmBytes()),
                    kib(r.heapAtPeakLive()),
                    kib(r.peakLiveBytes()),
                    pct(r.fragPeakLivePct()),
                    pct(r.fragPeakHeapPct()),
                    pct(r.peakHeapOverLivePct()),
                    r.syscalls(SyscallKind.BRK),
                    r.syscalls(SyscallKind.MMAP),
                    r.syscalls(SyscallKind.MUNMAP),
                    r.syscalls(SyscallKind.MPROTECT),
                    r.syscalls(SyscallKind.MREMAP),
                    r.syscalls(SyscallKind.MADVISE),
                    r.minorFaults()));
            if (timing) {
                sb.append(String.format(Locale.ROOT, " %8.1f", r.nsPerCall()));
            }
            sb.append('\n');
        }
        sb.append("sizes in KiB; frag2/3/4: Johnstone and Wilson's measures #2 (heap/live at peak live), "
                + "#3 (at peak heap), #4 (peak heap/peak live), less one\n");
        return sb.toString();
    }

    /** One header line and one line per row; bytes exact. */
    public static String csv(List<SweepRow> rows, boolean timing) {
        StringBuilder sb = new StringBuilder(String.join(",", HEAD));
        for (SyscallKind k : SyscallKind.values()) {
            sb.append(",").append(k.name().toLowerCase(Locale.ROOT));
        }
        sb.append(",minor_faults");
        if (timing) {
            sb.append(",ns_per_call");
        }
        sb.append("\r\n");
        for (SweepRow r : rows) {
            sb.append(csvField(r.trace()))
                    .append(',')
                    .append(csvField(r.policy()))
                    .append(',')
                    .append(csvField(r.tunables()))
                    .append(',')
                    .append(r.outcome())
                    .append(',')
                    .append(r.calls())
                    .append(',')
                    .append(r.peakRssBytes())
                    .append(',')
                    .append(r.finalRssBytes())
                    .append(',')
                    .append(r.peakVmBytes())
                    .append(',')
                    .append(r.heapAtPeakLive())
                    .append(',')
                    .append(r.peakLiveBytes())
                    .append(',')
                    .append(fixed(r.fragPeakLivePct()))
                    .append(',')
                    .append(fixed(r.fragPeakHeapPct()))
                    .append(',')
                    .append(fixed(r.peakHeapOverLivePct()));
            for (long s : r.syscalls()) {
                sb.append(',').append(s);
            }
            sb.append(',').append(r.minorFaults());
            if (timing) {
                sb.append(',').append(fixed(r.nsPerCall()));
            }
            sb.append("\r\n");
        }
        return sb.toString();
    }

    /** {@code {"rows": [...]}}, one object per row. */
    public static String json(List<SweepRow> rows, boolean timing) {
        StringBuilder sb = new StringBuilder("{\n  \"rows\": [");
        for (int i = 0; i < rows.size(); i++) {
            SweepRow r = rows.get(i);
            sb.append(i == 0 ? "\n" : ",\n")
                    .append("    {\"trace\": ")
                    .append(str(r.trace()))
                    .append(", \"policy\": ")
                    .append(str(r.policy()))
                    .append(", \"tunables\": ")
                    .append(str(r.tunables()))
                    .append(", \"outcome\": ")
                    .append(str(r.outcome()))
                    .append(", \"calls\": ")
                    .append(r.calls())
                    .append(", \"peakRssBytes\": ")
                    .append(r.peakRssBytes())
                    .append(", \"finalRssBytes\": ")
                    .append(r.finalRssBytes())
                    .append(", \"peakVmBytes\": ")
                    .append(r.peakVmBytes())
                    .append(", \"heapAtPeakLiveBytes\": ")
                    .append(r.heapAtPeakLive())
                    .append(", \"peakLiveBytes\": ")
                    .append(r.peakLiveBytes())
                    .append(", \"fragmentationAtPeakLivePct\": ")
                    .append(fixed(r.fragPeakLivePct()))
                    .append(", \"fragmentationAtPeakHeapPct\": ")
                    .append(fixed(r.fragPeakHeapPct()))
                    .append(", \"peakHeapOverPeakLivePct\": ")
                    .append(fixed(r.peakHeapOverLivePct()))
                    .append(", \"syscalls\": {");
            SyscallKind[] kinds = SyscallKind.values();
            for (int k = 0; k < kinds.length; k++) {
                sb.append(k == 0 ? "" : ", ")
                        .append('"')
                        .append(kinds[k].name().toLowerCase(Locale.ROOT))
                        .append("\": ")
                        .append(r.syscalls()[k]);
            }
            sb.append("}, \"minorFaults\": ").append(r.minorFaults());
            if (timing) {
                sb.append(", \"nsPerCall\": ").append(fixed(r.nsPerCall()));
            }
            sb.append('}');
        }
        sb.append(rows.isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
        return sb.toString();
    }

    private static long kib(long bytes) {
        return (bytes + 1023) / 1024;
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String fixed(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String csvField(String s) {
        return s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0
                ? s
                : '"' + s.replace("\"", "\"\"") + '"';
    }
}
