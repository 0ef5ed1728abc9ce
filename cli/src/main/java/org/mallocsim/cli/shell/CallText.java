package org.mallocsim.cli.shell;

import org.mallocsim.traces.format.TraceEvent;

/**
 * A trace's call printed as the shell prints a typed one (ltrace's form, see {@link Allocation}):
 * {@code malloc(24) = 0x5555555592a0}, {@code free(0x5555555592a0) = <void>}, NULL as
 * {@code nil}, with the emulated process's pointers.
 */
final class CallText {
    private CallText() {}

    /** The C function of a trace op ({@link TraceEvent#MEMALIGN_FAMILY} as the trace names it). */
    static String name(byte op) {
        switch (op) {
            case TraceEvent.MALLOC:
                return "malloc";
            case TraceEvent.CALLOC:
                return "calloc";
            case TraceEvent.REALLOC:
                return "realloc";
            case TraceEvent.FREE:
                return "free";
            case TraceEvent.MEMALIGN_FAMILY:
                return "memalign";
            case TraceEvent.VALLOC:
                return "valloc";
            case TraceEvent.PVALLOC:
                return "pvalloc";
            default:
                return "op '" + (char) op + "'";
        }
    }

    /** Call {@code e} as the emulated process answered it ({@code a}: {@link org.mallocsim.replay.ReplayCursor#answer()}). */
    static String answered(TraceEvent e, TraceEvent a) {
        switch (e.op) {
            case TraceEvent.FREE:
                if (a.arg0 == 0 && e.arg0 != 0) {
                    return "# free(" + ptr(e.arg0) + ") skipped: the trace never returned that pointer";
                }
                return "free(" + ptr(a.arg0) + ") = <void>";
            case TraceEvent.REALLOC:
                return "realloc(" + ptr(a.arg0) + ", " + Strace.dec(e.arg1) + ") = " + ptr(a.result);
            case TraceEvent.CALLOC:
                return "calloc(" + Strace.dec(e.arg0) + ", " + Strace.dec(e.arg1) + ") = " + ptr(a.result);
            case TraceEvent.MEMALIGN_FAMILY:
                return memalign(e, a.result);
            default:
                return name(e.op) + "(" + Strace.dec(e.arg0) + ") = " + ptr(a.result);
        }
    }

    /** Call {@code e} with the trace's own (recorded) pointers, for a call the process died in. */
    static String recorded(TraceEvent e) {
        switch (e.op) {
            case TraceEvent.FREE:
                return "free(" + ptr(e.arg0) + ") (recorded pointer)";
            case TraceEvent.REALLOC:
                return "realloc(" + ptr(e.arg0) + ", " + Strace.dec(e.arg1) + ") (recorded pointer)";
            case TraceEvent.CALLOC:
                return "calloc(" + Strace.dec(e.arg0) + ", " + Strace.dec(e.arg1) + ")";
            case TraceEvent.MEMALIGN_FAMILY:
                return memalign(e, 0).replaceFirst(" = .*$", "");
            default:
                return name(e.op) + "(" + Strace.dec(e.arg0) + ")";
        }
    }

    private static String memalign(TraceEvent e, long result) {
        String args = Strace.dec(e.arg0) + ", " + Strace.dec(e.arg1);
        switch (e.alignKind) {
            case TraceEvent.ALIGN_ALIGNED_ALLOC:
                return "aligned_alloc(" + args + ") = " + ptr(result);
            case TraceEvent.ALIGN_POSIX_MEMALIGN:
                return "posix_memalign(&p, " + args + ") = "
                        + (result == 0 ? "12 (ENOMEM)" : "0 (p = " + ptr(result) + ")");
            default:
                return "memalign(" + args + ") = " + ptr(result);
        }
    }

    private static String ptr(long v) {
        return v == 0 ? "nil" : "0x" + Long.toHexString(v);
    }
}
