package org.mallocsim.kernel;

/**
 * SIGSEGV delivered to the emulated process: {@code si_code} is {@link #SEGV_MAPERR} (no mapping)
 * or {@link #SEGV_ACCERR} (a mapping that forbids the access); {@code si_addr} is the first byte
 * that faulted, as x86 reports it in CR2. Thrown by loads and stores; the kernel state is intact
 * and the caller may go on, as a process with a SIGSEGV handler would.
 */
public final class SegmentationFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final int SEGV_MAPERR = 1;
    public static final int SEGV_ACCERR = 2;

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

    /** {@code si_code}: {@link #SEGV_MAPERR} or {@link #SEGV_ACCERR}. */
    public int code() {
        return code;
    }

    /** strace's line for the signal, e.g. {@code --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x1000} ---}. */
    public String straceLine() {
        return "--- SIGSEGV {si_signo=SIGSEGV, si_code=" + (code == SEGV_MAPERR ? "SEGV_MAPERR" : "SEGV_ACCERR")
                + ", si_addr=0x" + Long.toHexString(address) + "} ---";
    }

    @Override
    public String getMessage() {
        return straceLine();
    }
}
