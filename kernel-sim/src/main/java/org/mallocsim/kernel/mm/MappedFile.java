package org.mallocsim.kernel.mm;

/**
 * The file behind a file-backed region of a recorded listing ({@code vma->vm_file}): path, device
 * and inode as /proc/PID/maps shows them. VMAs merge only when they share the same instance, as
 * Linux compares {@code struct file} pointers.
 */
record MappedFile(String path, int devMajor, int devMinor, long inode) {}
