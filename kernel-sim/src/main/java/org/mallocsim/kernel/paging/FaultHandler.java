package org.mallocsim.kernel.paging;

/**
 * The kernel's page-fault entry ({@code exc_page_fault} → {@code do_user_addr_fault}, arch/x86/mm/fault.c).
 * The MMU calls it when a walk finds no usable translation; on return the access is retried.
 * Implementations throw {@link org.mallocsim.kernel.SegmentationFault} or
 * {@link org.mallocsim.kernel.OutOfMemoryKill}.
 */
public interface FaultHandler {
    /** x86 #PF error code bit 0: the page was present (a protection fault). */
    int PF_PROT = 1;
    /** Bit 1: the access was a write. */
    int PF_WRITE = 2;
    /** Bit 2: the access came from user mode. */
    int PF_USER = 4;
    /** Bit 4: the access was an instruction fetch. */
    int PF_INSTR = 16;
    /** Bit 5: a protection key refused the access. */
    int PF_PK = 32;

    void handlePageFault(long vaddr, int errorCode);
}
