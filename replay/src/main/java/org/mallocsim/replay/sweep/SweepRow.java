package org.mallocsim.replay.sweep;

import java.io.Serializable;
import java.util.Arrays;
import org.mallocsim.kernel.mm.SyscallKind;
import org.mallocsim.replay.HeapMetrics;
import org.mallocsim.replay.ReplayResult;

/**
 * One row of a sweep: what a cell's replay cost the process. Everything but {@link #nsPerCall}
 * follows from the cell alone, so {@link #withoutTiming()} rows are equal on every machine, for
 * every thread count and for every engine (in-process or Spark).
 *
 * @param index              the cell's place in the plan
 * @param trace              the trace's file name
 * @param policy             the policy
 * @param tunables           the tunables set, as a {@code GLIBC_TUNABLES} value ("" for none)
 * @param outcome            "ok", or the signal the process died of
 * @param calls              allocator calls answered
 * @param peakRssBytes       the highest RSS
 * @param finalRssBytes      RSS at the end
 * @param peakVmBytes        the highest total VM
 * @param heapAtPeakLive     heap bytes when the live bytes peaked (Johnstone and Wilson)
 * @param peakLiveBytes      the most bytes live at once
 * @param fragPeakLivePct    heap over live at peak live, less one, in percent (their measure #2)
 * @param fragPeakHeapPct    heap over live at peak heap, less one, in percent (#3)
 * @param peakHeapOverLivePct peak heap over peak live, less one, in percent (#4)
 * @param syscalls           counts by {@link SyscallKind#ordinal()}
 * @param minorFaults        minor page faults
 * @param rssStepCalls       calls per bucket of {@code rssPages}
 * @param rssPages           RSS over time, highest per bucket, in pages
 * @param nsPerCall          mean wall nanoseconds per call (machine-dependent)
 */
public record SweepRow(
        int index,
        String trace,
        String policy,
        String tunables,
        String outcome,
        long calls,
        long peakRssBytes,
        long finalRssBytes,
        long peakVmBytes,
        long heapAtPeakLive,
        long peakLiveBytes,
        double fragPeakLivePct,
        double fragPeakHeapPct,
        double peakHeapOverLivePct,
        long[] syscalls,
        long minorFaults,
        long rssStepCalls,
        long[] rssPages,
        double nsPerCall)
        implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final long PAGE = 4096;

    /** The row of {@code cell}'s replay. */
    public static SweepRow of(SweepCell cell, ReplayResult r) {
        HeapMetrics h = r.heap();
        long peakRss = Math.max(r.mm().hiwaterRss(), h.peakRssPages()) * PAGE;
        return new SweepRow(
                cell.index(),
                r.traceName(),
                cell.policy(),
                cell.glibcTunables(),
                r.completed() ? "ok" : r.death().signal(),
                r.calls(),
                peakRss,
                r.mm().rss() * PAGE,
                r.mm().hiwaterVm() * PAGE,
                h.heapAtPeakLive(),
                h.peakLiveBytes(),
                h.fragmentationAtPeakLive(),
                h.fragmentationAtPeakHeap(),
                h.peakHeapOverPeakLive(),
                r.syscalls().clone(),
                r.mm().minorFaults(),
                r.rss().stepCalls(),
                r.rss().rssPages(),
                r.nsPerCall());
    }

    /** How many times the process made syscall {@code kind}. */
    public long syscalls(SyscallKind kind) {
        return syscalls[kind.ordinal()];
    }

    /** Every syscall the process made. */
    public long totalSyscalls() {
        long n = 0;
        for (long s : syscalls) {
            n += s;
        }
        return n;
    }

    /** The row with the timing zeroed: what must be the same however the sweep ran. */
    public SweepRow withoutTiming() {
        return new SweepRow(
                index,
                trace,
                policy,
                tunables,
                outcome,
                calls,
                peakRssBytes,
                finalRssBytes,
                peakVmBytes,
                heapAtPeakLive,
                peakLiveBytes,
                fragPeakLivePct,
                fragPeakHeapPct,
                peakHeapOverLivePct,
                syscalls,
                minorFaults,
                rssStepCalls,
                rssPages,
                0);
    }

    /** The policy with its tunables, as charts label a series. */
    public String label() {
        return tunables.isEmpty() ? policy : policy + " " + tunables.replace("glibc.malloc.", "");
    }

    /** Value equality on the arrays too. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SweepRow r
                && r.index == index
                && r.trace.equals(trace)
                && r.policy.equals(policy)
                && r.tunables.equals(tunables)
                && r.outcome.equals(outcome)
                && r.calls == calls
                && r.peakRssBytes == peakRssBytes
                && r.finalRssBytes == finalRssBytes
                && r.peakVmBytes == peakVmBytes
                && r.heapAtPeakLive == heapAtPeakLive
                && r.peakLiveBytes == peakLiveBytes
                && Double.compare(r.fragPeakLivePct, fragPeakLivePct) == 0
                && Double.compare(r.fragPeakHeapPct, fragPeakHeapPct) == 0
                && Double.compare(r.peakHeapOverLivePct, peakHeapOverLivePct) == 0
                && Arrays.equals(r.syscalls, syscalls)
                && r.minorFaults == minorFaults
                && r.rssStepCalls == rssStepCalls
                && Arrays.equals(r.rssPages, rssPages)
                && Double.compare(r.nsPerCall, nsPerCall) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {index, trace, policy, tunables, peakRssBytes, Arrays.hashCode(syscalls)});
    }

    @Override
    public String toString() {
        return "SweepRow[" + index + " " + trace + " " + label() + " " + outcome + " peakRss=" + peakRssBytes
                + " finalRss=" + finalRssBytes + " peakVm=" + peakVmBytes + " peakLive=" + peakLiveBytes
                + " syscalls=" + Arrays.toString(syscalls) + " faults=" + minorFaults + "]";
    }
}
