package org.mallocsim.cli.shell;

import org.mallocsim.kernel.Errno;
import org.mallocsim.kernel.mm.SyscallKind;

/**
 * Memory syscalls as strace prints them ({@code -e trace=memory}, strace's src/mem.c): the shell's
 * own syscall lines and the ones an allocator call makes, so an emulated line and the line strace
 * wrote for the real process compare as equal strings.
 */
final class Strace {
    /** The MREMAP_FIXED flag: only then does strace print mremap's fifth argument. */
    private static final long MREMAP_FIXED = 2;

    private Strace() {}

    /** The call part, {@code name(args)}, as strace prints it. */
    static String call(SyscallKind kind, long a0, long a1, long a2, long a3, long a4, long a5, boolean fifth) {
        switch (kind) {
            case BRK:
                return "brk(" + ptr(a0) + ")";
            case MMAP:
                return "mmap(" + ptr(a0) + ", " + dec(a1) + ", " + Flags.prot(a2) + ", " + Flags.map(a3) + ", "
                        + (int) a4 + ", " + hex(a5) + ")";
            case MUNMAP:
                return "munmap(" + ptr(a0) + ", " + dec(a1) + ")";
            case MPROTECT:
                return "mprotect(" + ptr(a0) + ", " + dec(a1) + ", " + Flags.prot(a2) + ")";
            case MREMAP:
                return "mremap(" + ptr(a0) + ", " + dec(a1) + ", " + dec(a2) + ", " + Flags.mremap(a3)
                        + (fifth ? ", " + ptr(a4) : "") + ")";
            default:
                return "madvise(" + ptr(a0) + ", " + dec(a1) + ", " + Flags.madvise(a2) + ")";
        }
    }

    /** A whole line for a syscall an allocator made: the call, " = " and the result. */
    static String line(SyscallKind kind, long a0, long a1, long a2, long a3, long a4, long a5, long r) {
        boolean pointer = kind == SyscallKind.BRK || kind == SyscallKind.MMAP || kind == SyscallKind.MREMAP;
        String call = call(kind, a0, a1, a2, a3, a4, a5, kind == SyscallKind.MREMAP && (a3 & MREMAP_FIXED) != 0);
        return call + " = " + result(kind != SyscallKind.BRK, r, pointer);
    }

    /** A result: {@code -1 ENOMEM (Cannot allocate memory)} for -errno, else the value. */
    static String result(boolean canFail, long r, boolean pointer) {
        if (canFail && r < 0 && r > -4096) {
            return "-1 " + Errno.name((int) -r) + " (" + Errno.message((int) -r) + ")";
        }
        return pointer ? hex(r) : Long.toString(r);
    }

    /**
     * A line of {@code strace -f -o FILE} made comparable: without the pid strace puts first and
     * without the spaces it pads the call with to align the results.
     */
    static String normalize(String line) {
        String l = line.replaceFirst("^\\d+ +", "");
        int close = l.lastIndexOf(") ");
        int eq = l.indexOf("= ", close < 0 ? 0 : close);
        return close < 0 || eq < 0 ? l : l.substring(0, close + 1) + " " + l.substring(eq);
    }

    static String ptr(long v) {
        return v == 0 ? "NULL" : "0x" + Long.toHexString(v);
    }

    static String hex(long v) {
        return v == 0 ? "0" : "0x" + Long.toHexString(v);
    }

    static String dec(long v) {
        return Long.toUnsignedString(v);
    }
}
