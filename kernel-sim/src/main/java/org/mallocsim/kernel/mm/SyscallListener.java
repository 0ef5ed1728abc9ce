package org.mallocsim.kernel.mm;

/**
 * Sees each memory syscall an {@link AddressSpace} completes, with its arguments and result, as
 * strace sees a traced process's: how a shell shows that a malloc became a brk or an mmap. Set
 * with {@link AddressSpace#syscallListener(SyscallListener)}; none is set by default, and then the
 * syscall paths pay one null check and allocate nothing.
 */
@FunctionalInterface
public interface SyscallListener {
    /**
     * A syscall returned {@code result} (the value, or {@code -errno}; brk the break). Unused
     * arguments are 0: brk(a0), mmap(a0..a5), munmap(a0, a1), mprotect(a0..a2),
     * mremap(a0..a4), madvise(a0..a2).
     */
    void syscall(SyscallKind kind, long a0, long a1, long a2, long a3, long a4, long a5, long result);
}
