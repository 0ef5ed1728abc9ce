package org.mallocsim.kernel;

/**
 * SIGBUS delivered to the emulated process: an access inside a mapping but beyond the end of its
 * backing object, e.g. a MAP_SHARED|MAP_ANONYMOUS mapping grown by mremap past its shmem size
 * ({@code VM_FAULT_SIGBUS} → {@code BUS_ADRERR}). Thrown by loads and stores; the kernel state is
 * intact.
 */
public final class BusError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final int BUS_ADRERR = 2;

    private final long address;

    public BusError(long address) {
        super(null, null, false, false);
        this.address = address;
    }

    /** {@code si_addr}: the faulting virtual address. */
    public long address() {
        return address;
    }

    /** strace's line for the signal. */
    public String straceLine() {
        return "--- SIGBUS {si_signo=SIGBUS, si_code=BUS_ADRERR, si_addr=0x" + Long.toHexString(address) + "} ---";
    }

    @Override
    public String getMessage() {
        return straceLine();
    }
}
