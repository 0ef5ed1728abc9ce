package org.mallocsim.replay;

import java.util.Locale;
import org.mallocsim.kernel.mm.MmStats;
import org.mallocsim.kernel.mm.SyscallKind;
import org.mallocsim.traces.natives.FidelityReport;

/**
 * A replay for people, as {@code mallocsim replay} prints it: calls and speed, the memory lines
 * of /proc/PID/status at the end ({@code VmPeak}, {@code VmSize}, {@code VmHWM}, {@code VmRSS},
 * computed as {@code task_mem} does), syscalls by kind, faults, the fidelity table when the trace
 * holds glibc's answers, and how the process died if it did.
 */
public final class ReplayText {
    private ReplayText() {}

    /** Heap, live data, fragmentation and where the resident bytes go. */
    static void profile(StringBuilder sb, ReplayProfile p) {
        if (p == null) {
            return;
        }
        sb.append(String.format(
                Locale.ROOT,
                "heap (writable memory the allocator mapped): peak %d kB, end %d kB; live data: peak %d kB"
                        + (p.peakLiveCall() >= 0 ? " after call %d" : "%s") + ", end %d kB%n",
                p.peakHeapBytes() / 1024,
                p.finalHeapBytes() / 1024,
                p.peakLiveBytes() / 1024,
                p.peakLiveCall() >= 0 ? (Object) (p.peakLiveCall() + 1) : "",
                p.finalLiveBytes() / 1024));
        sb.append(String.format(
                Locale.ROOT,
                "fragmentation: %.1f%% of the heap holds no live data at the end",
                100 * p.fragmentation()));
        if (!Double.isNaN(p.fragmentationAtLargest())) {
            sb.append(String.format(
                    Locale.ROOT,
                    ", %.1f%% at its largest (call %d)",
                    100 * p.fragmentationAtLargest(),
                    p.largestHeap().call() + 1));
        }
        sb.append('\n');
        HeapMap m = p.finalHeap();
        if (m != null) {
            sb.append(String.format(
                    Locale.ROOT,
                    "resident at the end: %d kB = live data %d kB, chunk headers and padding %d kB, "
                            + "free chunks %d kB, top and unused %d kB, allocator's own %d kB, elsewhere (libraries, stack, "
                            + "allocator statics) %d kB; page tables %d kB more%n",
                    m.rssBytes() / 1024,
                    m.resident(HeapMap.R_LIVE) / 1024,
                    m.resident(HeapMap.R_OVERHEAD) / 1024,
                    m.resident(HeapMap.R_FREE) / 1024,
                    m.resident(HeapMap.R_TOP) / 1024,
                    m.resident(HeapMap.R_OWN) / 1024,
                    m.residentElsewhere() / 1024,
                    m.pageTableBytes() / 1024));
        }
    }

    /** The report, one {@code \n}-terminated line per fact. */
    public static String render(ReplayResult r) {
        StringBuilder sb = new StringBuilder(1024);
        sb.append(String.format(
                Locale.ROOT,
                "replay of %s with %s (touch %s): %d calls in %.3f s, %.0f calls/s, %.0f ns/call%n",
                r.traceName(),
                r.allocator(),
                r.touch(),
                r.calls(),
                r.seconds(),
                r.nanos() == 0 ? 0.0 : r.calls() / r.seconds(),
                r.nsPerCall()));
        MmStats m = r.mm();
        sb.append(String.format(
                Locale.ROOT,
                "memory: VmPeak %d kB, VmSize %d kB, VmHWM %d kB, VmRSS %d kB, %d VMAs%n",
                m.hiwaterVm() * 4,
                m.totalVm() * 4,
                m.hiwaterRss() * 4,
                m.rss() * 4,
                m.mapCount()));
        profile(sb, r.profile());
        sb.append(String.format(
                Locale.ROOT,
                "break: start 0x%x, end 0x%x (+%d kB)%n",
                r.startBrk(),
                r.finalBrk(),
                (r.finalBrk() - r.startBrk()) / 1024));
        sb.append("syscalls:");
        SyscallKind[] kinds = SyscallKind.values();
        for (int i = 0; i < kinds.length; i++) {
            sb.append(i == 0 ? " " : ", ")
                    .append(kinds[i].name().toLowerCase(Locale.ROOT))
                    .append(' ')
                    .append(r.syscalls(kinds[i]));
        }
        sb.append('\n');
        sb.append(String.format(
                Locale.ROOT, "faults: %d minor; page tables %d kB%n", m.minorFaults(), m.pageTableBytes() / 1024));
        HeapMetrics h = r.heap();
        sb.append(String.format(
                Locale.ROOT,
                "heap at peak live: %d B live, %d B heap (+%.2f%%); at peak heap: %d B heap,"
                        + " %d B live (+%.2f%%); peak heap over peak live +%.2f%%; mean heap/live %.2f%n",
                h.peakLiveBytes(),
                h.heapAtPeakLive(),
                h.fragmentationAtPeakLive(),
                h.peakHeapBytes(),
                h.liveAtPeakHeap(),
                h.fragmentationAtPeakHeap(),
                h.peakHeapOverPeakLive(),
                h.meanHeapOverLive()));
        sb.append(String.format(
                Locale.ROOT,
                "fragmentation at peak heap: %d B internal, %d B external and overhead;"
                        + " at the end: %d B live, %d B internal, %s free, %s metadata; RSS peak %d kB%n",
                h.internalAtPeakHeap(),
                h.externalAtPeakHeap(),
                h.finalLiveBytes(),
                h.finalInternalBytes(),
                h.finalFreeBytes() < 0 ? "?" : h.finalFreeBytes() + " B",
                h.finalMetadataBytes() < 0 ? "?" : h.finalMetadataBytes() + " B",
                h.peakRssPages() * 4));
        sb.append(String.format(
                Locale.ROOT, "cost: %.2f memory accesses/call, %.0f ns/call%n", h.accessesPerCall(), r.nsPerCall()));
        sb.append(String.format(
                Locale.ROOT,
                "blocks: %d live at most; %d failed allocations; %d frees/reallocs of unknown pointers%n",
                r.peakLiveBlocks(),
                r.failedAllocations(),
                r.unknownPointers()));
        if (r.warnings() > 0) {
            sb.append("skipped: ").append(r.warnings()).append(" malformed lines\n");
        }
        FidelityReport f = r.fidelity();
        if (f == null) {
            sb.append("fidelity: the trace holds no recorded answers to compare with\n");
        } else {
            sb.append(f.faithful() ? "answers match the recorded ones:\n" : "answers differ from the recorded ones:\n");
            for (String line : f.lines()) {
                sb.append("  ").append(line).append('\n');
            }
        }
        if (r.death() != null) {
            sb.append("process ").append(r.death().describe()).append('\n');
        }
        return sb.toString();
    }
}
