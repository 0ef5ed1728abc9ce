package org.mallocsim.kernel.mm;

/**
 * A read-only snapshot of one VMA as /proc shows it.
 *
 * @param name what /proc/PID/maps prints after the inode ({@code [heap]}, a path, ...), or null
 */
public record VmaView(
        long start, long end, long flags, long pgoff, int devMajor, int devMinor, long inode, String name) {

    /** The four permission letters of /proc/PID/maps, e.g. {@code rw-p}. */
    public String perms() {
        return new String(new char[] {
            (flags & VmFlags.VM_READ) != 0 ? 'r' : '-',
            (flags & VmFlags.VM_WRITE) != 0 ? 'w' : '-',
            (flags & VmFlags.VM_EXEC) != 0 ? 'x' : '-',
            (flags & VmFlags.VM_MAYSHARE) != 0 ? 's' : 'p'
        });
    }

    public long size() {
        return end - start;
    }
}
