package org.mallocsim.kernel;

/**
 * SIGSEGV delivered to the emulated process: {@code si_code} is {@link #SEGV_MAPERR} (no mapping)
 * or {@link #SEGV_ACCERR} (a mapping that forbids the access), with {@code si_addr} the first byte
 * that faulted, as x86 reports it in CR2; or {@link #SI_KERNEL} with {@code si_addr} 0 for an access
 * to a non-canonical address, which x86-64 refuses with a general-protection fault before any page
 * walk (arch/x86/kernel/traps.c, {@code exc_general_protection}, reports no address). Thrown by
 * loads and stores; the kernel state is intact and the caller may go on, as a process with a
 * SIGSEGV handler would.
 */
public final class SegmentationFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final int SEGV_MAPERR = 1;
    public static final int SEGV_ACCERR = 2;
    /** {@code SI_KERNEL} (0x80): sent by the kernel for a general-protection fault. */
    public static final int SI_KERNEL = 0x80;

    private final long address;
    private final int code;

    public SegmentationFault(long address, int code) {
        super(null, null, false, false);
        this.address = address;
        this.code = code;
    }

    /** {@code si_addr}: the faulting virtual address. */
    public long address() {
        return address;
    }

    /** {@code si_code}: {@link #SEGV_MAPERR}, {@link #SEGV_ACCERR} or {@link #SI_KERNEL}. */
    public int code() {
        return code;
    }

    /**
     * strace's line for the signal, e.g. {@code --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR,
     * si_addr=0x1000} ---}; strace prints a zero address as {@code NULL}.
     */
    public String straceLine() {
        return "--- SIGSEGV {si_signo=SIGSEGV, si_code=" + codeName(code)
                + ", si_addr=" + (address == 0 ? "NULL" : "0x" + Long.toHexString(address)) + "} ---";
    }

    private static String codeName(int code) {
        switch (code) {
            case SEGV_MAPERR: return "SEGV_MAPERR";
            case SEGV_ACCERR: return "SEGV_ACCERR";
            case SI_KERNEL: return "SI_KERNEL";
            default: return Integer.toString(code);
        }
    }

    @Override
    public String getMessage() {
        return straceLine();
    }
}
