package org.mallocsim.kernel.proc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.mallocsim.kernel.mm.VmFlags;
import org.mallocsim.kernel.mm.VmaView;

/**
 * Text captured from the reference machine (Linux 6.18, x86-64) by {@code proc/capture.c}, and
 * helpers to build the views those captures describe.
 */
final class Captures {

    static final long R = VmFlags.VM_READ;
    static final long W = VmFlags.VM_WRITE;
    static final long X = VmFlags.VM_EXEC;
    /** What mmap always adds: VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC. */
    static final long MAY = VmFlags.VM_MAYREAD | VmFlags.VM_MAYWRITE | VmFlags.VM_MAYEXEC;

    static final long AC = VmFlags.VM_ACCOUNT;
    static final long VM_UFFD_MISSING = 1L << 9;
    static final long VM_UFFD_WP = 1L << 12;
    static final long VM_SYNC = 1L << 23;
    static final long VM_PAT = 1L << 24;
    static final long VM_DROPPABLE = 1L << 40;
    static final long VM_UFFD_MINOR = 1L << 41;
    static final long VM_SEALED = 1L << 42;

    private Captures() {}

    static String read(String name) {
        try (InputStream in = Captures.class.getResourceAsStream("/proc/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /proc/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static VmaView anon(long start, long end, long flags) {
        return new VmaView(start, end, flags, start >>> 12, 0, 0, 0, null);
    }

    /**
     * A VmaView from one maps line: the permission letters give the access bits (and VM_SHARED with
     * VM_MAYSHARE for {@code s}); the name is whatever follows the inode.
     */
    static VmaView parseMapsLine(String line) {
        String[] f = line.split(" +", 6);
        String[] range = f[0].split("-", -1);
        String perms = f[1];
        long flags = (perms.charAt(0) == 'r' ? R : 0)
                | (perms.charAt(1) == 'w' ? W : 0)
                | (perms.charAt(2) == 'x' ? X : 0)
                | (perms.charAt(3) == 's' ? VmFlags.VM_SHARED | VmFlags.VM_MAYSHARE : 0);
        String[] dev = f[3].split(":", -1);
        return new VmaView(
                Long.parseUnsignedLong(range[0], 16),
                Long.parseUnsignedLong(range[1], 16),
                flags,
                Long.parseLong(f[2], 16) >>> 12,
                Integer.parseInt(dev[0], 16),
                Integer.parseInt(dev[1], 16),
                Long.parseLong(f[4]),
                f.length == 6 && !f[5].isEmpty() ? f[5] : null);
    }
}
