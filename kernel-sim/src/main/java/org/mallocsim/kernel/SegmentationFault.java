package org.mallocsim.kernel;

/**
 * SIGSEGV delivered to the emulated process: {@code si_code} is {@link #SEGV_MAPERR} (no mapping),
 * {@link #SEGV_ACCERR} (a mapping that forbids the access) or {@link #SEGV_PKUERR} (a protection
 * key forbids it, with the key in {@code si_pkey}: execute-only memory on a CPU with PKU), with {@code si_addr} the first byte
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
    /** {@code SEGV_PKUERR}: failed protection-key check (arch/x86/mm/fault.c {@code bad_area_access_error}). */
    public static final int SEGV_PKUERR = 4;
    /** {@code SI_KERNEL} (0x80): sent by the kernel for a general-protection fault. */
    public static final int SI_KERNEL = 0x80;

    private final long address;
    private final int code;
    private final int pkey;

    public SegmentationFault(long address, int code) {
        this(address, code, 0);
    }

    /** A fault with {@code si_pkey}, which only {@link #SEGV_PKUERR} carries. */
    public SegmentationFault(long address, int code, int pkey) {
        super(null, null, false, false);
        this.address = address;
        this.code = code;
        this.pkey = pkey;
    }

    /** {@code si_pkey}: the protection key that refused a {@link #SEGV_PKUERR} access, else 0. */
    public int pkey() {
        return pkey;
    }

    /** {@code si_addr}: the faulting virtual address. */
    public long address() {
        return address;
    }

    /** {@code si_code}: {@link #SEGV_MAPERR}, {@link #SEGV_ACCERR}, {@link #SEGV_PKUERR} or {@link #SI_KERNEL}. */
    public int code() {
        return code;
    }

    /**
     * strace's line for the signal, e.g. {@code --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR,
     * si_addr=0x1000} ---}; strace prints a zero address as {@code NULL}, and {@code si_pkey} after
     * the address for SEGV_PKUERR (strace's src/printsiginfo.c, {@code print_si_info}).
     */
    public String straceLine() {
        return "--- SIGSEGV {si_signo=SIGSEGV, si_code=" + codeName(code)
                + ", si_addr=" + (address == 0 ? "NULL" : "0x" + Long.toHexString(address))
                + (code == SEGV_PKUERR ? ", si_pkey=" + Integer.toUnsignedString(pkey) : "") + "} ---";
    }

    private static String codeName(int code) {
        return switch (code) {
            case SEGV_MAPERR -> "SEGV_MAPERR";
            case SEGV_ACCERR -> "SEGV_ACCERR";
            case SEGV_PKUERR -> "SEGV_PKUERR";
            case SI_KERNEL -> "SI_KERNEL";
            default -> Integer.toString(code);
        };
    }

    @Override
    public String getMessage() {
        return straceLine();
    }
}
