package org.mallocsim.kernel.mm;

/** The memory syscalls the emulator counts, for reports and /proc-like summaries. */
public enum SyscallKind {
    BRK,
    MMAP,
    MUNMAP,
    MPROTECT,
    MREMAP,
    MADVISE
}
