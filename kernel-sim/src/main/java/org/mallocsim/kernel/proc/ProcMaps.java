package org.mallocsim.kernel.proc;

import static org.mallocsim.kernel.Page.*;

import java.util.List;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.VmFlags;
import org.mallocsim.kernel.mm.VmaView;

/**
 * {@code /proc/self/maps}: one line per VMA in address order, as {@code show_map_vma} prints it
 * (fs/proc/task_mmu.c), optionally followed by the x86-64 {@code [vsyscall]} gate line.
 *
 * <p>A line is {@code start-end perms offset major:minor inode }, then, for a named mapping, spaces up
 * to column 72, one more space and the name (so names start at column 73 unless the prefix is longer,
 * when two spaces precede the name). An unnamed line keeps the single space after the inode.
 */
public final class ProcMaps {

    /**
     * The width {@code show_vma_header_prefix} sets with {@code seq_setwidth}:
     * {@code 25 + 6 * sizeof(void *) - 1} = 72 on a 64-bit kernel.
     */
    static final int PAD_WIDTH = 25 + 6 * Long.BYTES - 1;

    /**
     * The x86-64 gate area ({@code gate_vma} in arch/x86/entry/vsyscall/vsyscall_64.c): not a VMA of
     * the address space, but listed last by maps and smaps. Its flags are VM_EXEC alone ({@code --xp}).
     */
    public static final VmaView VSYSCALL =
            new VmaView(0xffffffffff600000L, 0xffffffffff601000L, VmFlags.VM_EXEC, 0, 0, 0, 0, "[vsyscall]");

    private ProcMaps() {}

    /** The maps text of {@code vmas}, without the {@code [vsyscall]} line. */
    public static String render(List<VmaView> vmas) {
        return render(vmas, false);
    }

    /** The maps text of {@code vmas}, with the {@code [vsyscall]} line last when asked. */
    public static String render(List<VmaView> vmas, boolean vsyscall) {
        StringBuilder sb = new StringBuilder(vmas.size() * 80 + 80);
        for (VmaView vma : vmas) {
            appendMapLine(sb, vma);
        }
        if (vsyscall) {
            appendMapLine(sb, VSYSCALL);
        }
        return sb.toString();
    }

    /** The maps text of a live address space, with the {@code [vsyscall]} line as Linux shows it. */
    public static String of(AddressSpace as) {
        return render(as.vmas(), true);
    }

    /**
     * One maps line, {@code show_map_vma}. The offset, device and inode are printed only for a
     * file-backed VMA (inode non-zero); anonymous VMAs show zeros whatever their {@code vm_pgoff}.
     */
    static void appendMapLine(StringBuilder sb, VmaView vma) {
        int lineStart = sb.length();
        boolean file = isFileBacked(vma);
        showVmaHeaderPrefix(
                sb,
                vma.start(),
                vma.end(),
                vma.flags(),
                file ? vma.pgoff() << PAGE_SHIFT : 0,
                file ? vma.devMajor() : 0,
                file ? vma.devMinor() : 0,
                file ? vma.inode() : 0);
        if (vma.name() != null) {
            padTo(sb, lineStart);
            sb.append(vma.name());
        }
        sb.append('\n');
    }

    /**
     * {@code show_vma_header_prefix}: {@code %08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu } (the kernel
     * uses {@code seq_put_hex_ll}, whose width is a minimum, like printf's).
     */
    static void showVmaHeaderPrefix(
            StringBuilder sb, long start, long end, long flags, long offset, int major, int minor, long inode) {
        appendHex(sb, start, 8);
        sb.append('-');
        appendHex(sb, end, 8);
        sb.append(' ')
                .append((flags & VmFlags.VM_READ) != 0 ? 'r' : '-')
                .append((flags & VmFlags.VM_WRITE) != 0 ? 'w' : '-')
                .append((flags & VmFlags.VM_EXEC) != 0 ? 'x' : '-')
                .append((flags & VmFlags.VM_MAYSHARE) != 0 ? 's' : 'p')
                .append(' ');
        appendHex(sb, offset, 8);
        sb.append(' ');
        appendHex(sb, major & 0xffffffffL, 2);
        sb.append(':');
        appendHex(sb, minor & 0xffffffffL, 2);
        sb.append(' ').append(Long.toUnsignedString(inode)).append(' ');
    }

    /**
     * {@code seq_pad(m, ' ')}: spaces up to {@link #PAD_WIDTH} (none when the prefix is already
     * longer), then the one space {@code seq_pad} always appends.
     */
    static void padTo(StringBuilder sb, int lineStart) {
        int target = lineStart + PAD_WIDTH;
        while (sb.length() < target) {
            sb.append(' ');
        }
        sb.append(' ');
    }

    static boolean isFileBacked(VmaView vma) {
        return vma.inode() != 0;
    }

    /** Lower-case hex of an unsigned value, zero-padded to at least {@code width} digits. */
    static void appendHex(StringBuilder sb, long value, int width) {
        String hex = Long.toHexString(value);
        for (int i = hex.length(); i < width; i++) {
            sb.append('0');
        }
        sb.append(hex);
    }
}
