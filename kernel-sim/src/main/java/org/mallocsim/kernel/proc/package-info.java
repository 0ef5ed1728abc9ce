/**
 * The emulated {@code /proc/self} memory files: {@code maps}, {@code smaps}, {@code smaps_rollup},
 * {@code status} and {@code statm}, rendered byte for byte in the format of Linux 6.18
 * (fs/proc/task_mmu.c and fs/proc/array.c) as it runs on x86-64.
 *
 * <p>Every renderer is a pure function of read-only views ({@link org.mallocsim.kernel.mm.VmaView},
 * {@link org.mallocsim.kernel.mm.PageStats}, {@link org.mallocsim.kernel.mm.MmStats}); the
 * {@code of(AddressSpace)} overloads only gather those views from a live address space.
 */
package org.mallocsim.kernel.proc;
