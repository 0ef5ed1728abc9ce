package org.mallocsim.kernel;

/**
 * The emulated RAM had no frame for a page fault that needed one: Linux's OOM killer would end the
 * process with SIGKILL here (VM_FAULT_OOM). The emulator reports it instead of dying; the address
 * space stays consistent, and the faulting access did not happen.
 */
public final class OutOfMemoryKill extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long address;

    public OutOfMemoryKill(long address) {
        super(null, null, false, false);
        this.address = address;
    }

    /** The virtual address whose fault could not be served. */
    public long address() {
        return address;
    }

    @Override
    public String getMessage() {
        return "out of emulated memory at 0x" + Long.toHexString(address) + " (the OOM killer would send SIGKILL)";
    }
}
