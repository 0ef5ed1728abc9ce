package org.mallocsim.replay;

import static org.mallocsim.traces.io.Json.str;

import java.util.Locale;
import org.mallocsim.allocator.MallInfo2;
import org.mallocsim.kernel.mm.MmStats;
import org.mallocsim.kernel.mm.SyscallKind;
import org.mallocsim.traces.natives.FidelityReport;

/**
 * A replay as one JSON object, fields in a fixed order, two-space indented, {@code \n} line ends.
 * Every field but the two timing fields, {@code seconds} and {@code nsPerCall}, follows from the
 * trace and the options alone; the timing fields come last and are left out when {@code timing}
 * is false, so two runs of the same replay give byte-identical text on any machine.
 *
 * <pre>
 * {
 *   "trace": "grep.mrec.zst", "allocator": "glibc", "touch": "none",
 *   "completed": true, "calls": 22888, "events": 22888, "unknownPointers": 0, "failedAllocations": 0,
 *   "peakLiveBlocks": 1210, "warnings": 0, "startBrk": "0x55dd085ac000", "finalBrk": "0x55dd08617000",
 *   "memory": { "vmPeakKiB", "vmSizeKiB", "rssPeakKiB", "rssKiB", "rssAnonKiB", "dataKiB",
 *               "mapCount", "pageTableBytes", "minorFaults" },
 *   "heap": { "peakLiveCall" (1-based, or null), "residentBytes": { "liveData", ... "pageTables" }
 *             (when the process lived) },
 *   "syscalls": { "brk", "mmap", "munmap", "mprotect", "mremap", "madvise" },
 *   "fragmentation": { "peakLiveBytes", "heapAtPeakLiveBytes", "atPeakLivePercent", "peakHeapBytes",
 *                      "liveAtPeakHeapBytes", "atPeakHeapPercent", "peakHeapOverPeakLivePercent",
 *                      "meanHeapOverLive", "internalAtPeakHeapBytes", "externalAtPeakHeapBytes",
 *                      "finalLiveBytes", "finalHeapBytes", "finalInternalBytes", "finalFreeBytes",
 *                      "finalMetadataBytes", "rssPeakSampledKiB" },
 *   "cost": { "accesses", "accessesPerCall" },
 *   "mallinfo2": { arena ... keepcost } or null,
 *   "death": { "signal", "call", "position", "message" } or null,
 *   "fidelity": { "recordedCalls", "replayedCalls", "faithful",
 *                 "classes": { "brk": { "label": "brk offset", "matched", "total" }, "chunkWord", ... },
 *                 "firstMismatch" } or null,
 *   "seconds": 0.123, "nsPerCall": 5374.2
 * }
 * </pre>
 */
public final class ReplayJson {
    private ReplayJson() {}

    /** The summary; {@code timing} adds {@code seconds} and {@code nsPerCall} at the end. */
    public static String render(ReplayResult r, boolean timing) {
        StringBuilder sb = new StringBuilder(2048).append("{\n");
        field(sb, 1, "trace", str(r.traceName()));
        field(sb, 1, "allocator", str(r.allocator()));
        field(sb, 1, "touch", str(r.touch()));
        field(sb, 1, "completed", Boolean.toString(r.completed()));
        field(sb, 1, "calls", r.calls());
        field(sb, 1, "events", r.events());
        field(sb, 1, "unknownPointers", r.unknownPointers());
        field(sb, 1, "failedAllocations", r.failedAllocations());
        field(sb, 1, "peakLiveBlocks", r.peakLiveBlocks());
        field(sb, 1, "warnings", r.warnings());
        field(sb, 1, "startBrk", str("0x" + Long.toHexString(r.startBrk())));
        field(sb, 1, "finalBrk", str("0x" + Long.toHexString(r.finalBrk())));
        memory(sb, r.mm());
        profile(sb, r.profile());
        open(sb, 1, "syscalls");
        SyscallKind[] kinds = SyscallKind.values();
        for (SyscallKind k : kinds) {
            field(sb, 2, k.name().toLowerCase(Locale.ROOT), r.syscalls(k));
        }
        close(sb, 1);
        heap(sb, r.heap());
        mallinfo(sb, r.mallinfo2());
        death(sb, r.death());
        fidelity(sb, r.fidelity());
        if (timing) {
            field(sb, 1, "seconds", String.format(Locale.ROOT, "%.6f", r.seconds()));
            field(sb, 1, "nsPerCall", String.format(Locale.ROOT, "%.1f", r.nsPerCall()));
        }
        trimComma(sb);
        return sb.append("}\n").toString();
    }

    private static void memory(StringBuilder sb, MmStats m) {
        open(sb, 1, "memory");
        field(sb, 2, "vmPeakKiB", m.hiwaterVm() * 4);
        field(sb, 2, "vmSizeKiB", m.totalVm() * 4);
        field(sb, 2, "rssPeakKiB", m.hiwaterRss() * 4);
        field(sb, 2, "rssKiB", m.rss() * 4);
        field(sb, 2, "rssAnonKiB", m.rssAnon() * 4);
        field(sb, 2, "dataKiB", m.dataVm() * 4);
        field(sb, 2, "mapCount", m.mapCount());
        field(sb, 2, "pageTableBytes", m.pageTableBytes());
        field(sb, 2, "minorFaults", m.minorFaults());
        close(sb, 1);
    }

    /** Johnstone and Wilson's measures and the cost per call ({@link HeapMetrics}). */
    private static void heap(StringBuilder sb, HeapMetrics h) {
        open(sb, 1, "fragmentation");
        field(sb, 2, "peakLiveBytes", h.peakLiveBytes());
        field(sb, 2, "heapAtPeakLiveBytes", h.heapAtPeakLive());
        field(sb, 2, "atPeakLivePercent", fixed(h.fragmentationAtPeakLive()));
        field(sb, 2, "peakHeapBytes", h.peakHeapBytes());
        field(sb, 2, "liveAtPeakHeapBytes", h.liveAtPeakHeap());
        field(sb, 2, "atPeakHeapPercent", fixed(h.fragmentationAtPeakHeap()));
        field(sb, 2, "peakHeapOverPeakLivePercent", fixed(h.peakHeapOverPeakLive()));
        field(sb, 2, "meanHeapOverLive", fixed(h.meanHeapOverLive()));
        field(sb, 2, "internalAtPeakHeapBytes", h.internalAtPeakHeap());
        field(sb, 2, "externalAtPeakHeapBytes", h.externalAtPeakHeap());
        field(sb, 2, "finalLiveBytes", h.finalLiveBytes());
        field(sb, 2, "finalHeapBytes", h.finalHeapBytes());
        field(sb, 2, "finalInternalBytes", h.finalInternalBytes());
        field(sb, 2, "finalFreeBytes", h.finalFreeBytes() < 0 ? "null" : Long.toString(h.finalFreeBytes()));
        field(sb, 2, "finalMetadataBytes", h.finalMetadataBytes() < 0 ? "null" : Long.toString(h.finalMetadataBytes()));
        field(sb, 2, "rssPeakSampledKiB", h.peakRssPages() * 4);
        close(sb, 1);
        open(sb, 1, "cost");
        field(sb, 2, "accesses", h.accesses());
        field(sb, 2, "accessesPerCall", fixed(h.accessesPerCall()));
        close(sb, 1);
    }

    private static String fixed(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /**
     * The call at which the live bytes peaked and, when the process lived, where its RSS went; the
     * heap and live figures themselves are in "fragmentation".
     */
    private static void profile(StringBuilder sb, ReplayProfile p) {
        if (p == null) {
            return;
        }
        open(sb, 1, "heap");
        field(sb, 2, "peakLiveCall", p.peakLiveCall() < 0 ? "null" : Long.toString(p.peakLiveCall() + 1));
        HeapMap m = p.finalHeap();
        if (m != null) {
            open(sb, 2, "residentBytes");
            field(sb, 3, "liveData", m.resident(HeapMap.R_LIVE));
            field(sb, 3, "headersAndPadding", m.resident(HeapMap.R_OVERHEAD));
            field(sb, 3, "freeChunks", m.resident(HeapMap.R_FREE));
            field(sb, 3, "topAndUnused", m.resident(HeapMap.R_TOP));
            field(sb, 3, "allocatorsOwn", m.resident(HeapMap.R_OWN));
            field(sb, 3, "elsewhere", m.residentElsewhere());
            field(sb, 3, "pageTables", m.pageTableBytes());
            close(sb, 2);
        }
        close(sb, 1);
    }

    private static void mallinfo(StringBuilder sb, MallInfo2 m) {
        if (m == null) {
            field(sb, 1, "mallinfo2", "null");
            return;
        }
        open(sb, 1, "mallinfo2");
        field(sb, 2, "arena", m.arena());
        field(sb, 2, "ordblks", m.ordblks());
        field(sb, 2, "smblks", m.smblks());
        field(sb, 2, "hblks", m.hblks());
        field(sb, 2, "hblkhd", m.hblkhd());
        field(sb, 2, "usmblks", m.usmblks());
        field(sb, 2, "fsmblks", m.fsmblks());
        field(sb, 2, "uordblks", m.uordblks());
        field(sb, 2, "fordblks", m.fordblks());
        field(sb, 2, "keepcost", m.keepcost());
        close(sb, 1);
    }

    private static void death(StringBuilder sb, ProcessDeath d) {
        if (d == null) {
            field(sb, 1, "death", "null");
            return;
        }
        open(sb, 1, "death");
        field(sb, 2, "signal", str(d.signal()));
        field(sb, 2, "call", d.call());
        field(sb, 2, "position", d.position());
        field(sb, 2, "message", str(d.message()));
        close(sb, 1);
    }

    private static void fidelity(StringBuilder sb, FidelityReport f) {
        if (f == null) {
            field(sb, 1, "fidelity", "null");
            return;
        }
        open(sb, 1, "fidelity");
        field(sb, 2, "recordedCalls", f.recordedCalls());
        field(sb, 2, "replayedCalls", f.replayedCalls());
        field(sb, 2, "faithful", Boolean.toString(f.faithful()));
        open(sb, 2, "classes");
        for (FidelityReport.Kind k : FidelityReport.Kind.values()) {
            FidelityReport.Count c = f.count(k);
            indent(sb, 3)
                    .append(str(camel(k.name())))
                    .append(": { \"label\": ")
                    .append(str(k.label()))
                    .append(", \"matched\": ")
                    .append(c.matched())
                    .append(", \"total\": ")
                    .append(c.total())
                    .append(" },\n");
        }
        close(sb, 2);
        field(sb, 2, "firstMismatch", str(f.firstMismatchDescription()));
        close(sb, 1);
    }

    /** {@code CHUNK_WORD} → {@code chunkWord}: a class's stable key, whatever its label says. */
    static String camel(String enumName) {
        StringBuilder sb = new StringBuilder();
        boolean up = false;
        for (char c : enumName.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                sb.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return sb.toString();
    }

    private static void field(StringBuilder sb, int depth, String name, long value) {
        field(sb, depth, name, Long.toString(value));
    }

    private static void field(StringBuilder sb, int depth, String name, String json) {
        indent(sb, depth).append(str(name)).append(": ").append(json).append(",\n");
    }

    private static void open(StringBuilder sb, int depth, String name) {
        indent(sb, depth).append(str(name)).append(": {\n");
    }

    private static void close(StringBuilder sb, int depth) {
        trimComma(sb);
        indent(sb, depth).append("},\n");
    }

    /** Drops the comma after the last member of an object. */
    private static void trimComma(StringBuilder sb) {
        int n = sb.length();
        if (n >= 2 && sb.charAt(n - 2) == ',' && sb.charAt(n - 1) == '\n') {
            sb.setLength(n - 2);
            sb.append('\n');
        }
    }

    private static StringBuilder indent(StringBuilder sb, int depth) {
        for (int i = 0; i < depth; i++) {
            sb.append("  ");
        }
        return sb;
    }
}
