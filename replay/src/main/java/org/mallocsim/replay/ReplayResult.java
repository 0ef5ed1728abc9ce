package org.mallocsim.replay;

import org.mallocsim.allocator.MallInfo2;
import org.mallocsim.kernel.mm.MmStats;
import org.mallocsim.kernel.mm.SyscallKind;
import org.mallocsim.traces.natives.FidelityReport;

/**
 * What one emulated replay did. Everything but {@link #nanos} follows from the trace and the
 * options alone, so it is the same on every machine.
 *
 * @param traceName         the trace's file name (no directory, so reports do not depend on where it lies)
 * @param allocator         the policy's name
 * @param touch             the touch mode's name, lowercase
 * @param calls             allocator calls answered
 * @param events            events read (calls, thread and fork events), up to the process's death
 * @param unknownPointers   frees and reallocs of pointers the trace never returned (replayed as NULL)
 * @param failedAllocations allocating calls that returned NULL (realloc to size 0 excluded)
 * @param peakLiveBlocks    the most blocks live at once: what the pointer map held, the replay's
 *                          only memory that grows with the trace
 * @param startBrk          the emulated process's start-brk
 * @param finalBrk          its break at the end
 * @param mm                the address space's counters at the end (page counts in pages)
 * @param syscalls          syscall counts, indexed by {@link SyscallKind#ordinal()}
 * @param mallinfo2         the allocator's {@code mallinfo2()} at the end, or null when the process died
 * @param death             how the process died, or null when it ran to the end of the trace
 * @param fidelity          the comparison with the recorded answers, or null when the trace has none
 * @param warnings          malformed lines skipped (lenient mode)
 * @param nanos             wall time of the replay loop (machine-dependent)
 * @param heap              fragmentation, kernel view and cost of the policy over the calls answered
 * @param profile           the memory over the calls: timeline, live and heap peaks (the same figures
 *                          as {@code heap}'s), heap maps
 */
public record ReplayResult(
        String traceName,
        String allocator,
        String touch,
        long calls,
        long events,
        long unknownPointers,
        long failedAllocations,
        long peakLiveBlocks,
        long startBrk,
        long finalBrk,
        MmStats mm,
        long[] syscalls,
        MallInfo2 mallinfo2,
        ProcessDeath death,
        FidelityReport fidelity,
        long warnings,
        long nanos,
        HeapMetrics heap,
        ReplayProfile profile) {

    /**
     * RSS over the calls answered in at most {@value RssTimeline#MAX_BUCKETS} buckets, for sweep
     * rows and charts: the profile's timeline, merged.
     */
    public RssTimeline rss() {
        return RssTimeline.of(profile.timeline(), RssTimeline.MAX_BUCKETS);
    }

    /** How many times the process made syscall {@code kind}. */
    public long syscalls(SyscallKind kind) {
        return syscalls[kind.ordinal()];
    }

    /** Wall seconds of the replay loop. */
    public double seconds() {
        return nanos / 1e9;
    }

    /** Mean wall nanoseconds per call (0 without calls). */
    public double nsPerCall() {
        return calls == 0 ? 0 : (double) nanos / calls;
    }

    /** True when the process ran to the end of the trace. */
    public boolean completed() {
        return death == null;
    }
}
