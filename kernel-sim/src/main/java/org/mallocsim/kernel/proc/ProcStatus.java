package org.mallocsim.kernel.proc;

import static org.mallocsim.kernel.Page.*;

import java.util.List;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.MmStats;
import org.mallocsim.kernel.mm.VmFlags;
import org.mallocsim.kernel.mm.VmaView;

/**
 * {@code /proc/self/status} and {@code /proc/self/statm}.
 *
 * <p>The memory lines ({@code VmPeak} to {@code VmSwap}, then {@code HugetlbPages}) follow
 * {@code task_mem} (fs/proc/task_mmu.c) exactly. The other lines follow the order and format of
 * {@code proc_pid_status} (fs/proc/array.c) in Linux 6.18, but their values are synthetic: a single
 * running thread with the identity of a {@link ProcessInfo}, no signals pending, blocked or caught,
 * no capabilities, no seccomp, allowed on two CPUs and one memory node, and the speculation
 * mitigations and {@code SigQ} limit of the reference machine.
 *
 * <p>{@code VmExe} needs {@code mm->start_code}/{@code end_code}, which the address space does not
 * record: callers pass the text size, and {@link #textBytes} approximates it from the executable's
 * VM_EXEC mappings. It is exact when the text segment is one page-aligned mapping, as linkers lay
 * out position-independent executables today.
 */
public final class ProcStatus {

    private ProcStatus() {}

    /**
     * The whole status file.
     *
     * @param textBytes {@code PAGE_ALIGN(end_code) - start_code}: the executable's text; 0 when
     *                  the process has no executable image (then all of exec_vm is {@code VmLib})
     */
    public static String render(ProcessInfo who, MmStats mm, long textBytes) {
        StringBuilder sb = new StringBuilder(2048);
        sb.append("Name:\t")
                .append(who.name())
                .append('\n')
                .append("Umask:\t0022\n")
                .append("State:\tR (running)\n")
                .append("Tgid:\t")
                .append(who.pid())
                .append('\n')
                .append("Ngid:\t0\n")
                .append("Pid:\t")
                .append(who.pid())
                .append('\n')
                .append("PPid:\t")
                .append(who.ppid())
                .append('\n')
                .append("TracerPid:\t0\n");
        ids(sb, "Uid:", who.uid());
        ids(sb, "Gid:", who.gid());
        sb.append("FDSize:\t64\n")
                .append("Groups:\t \n") // no supplementary groups; the kernel's trailing space stays
                .append("NStgid:\t")
                .append(who.pid())
                .append('\n')
                .append("NSpid:\t")
                .append(who.pid())
                .append('\n')
                .append("NSpgid:\t")
                .append(who.pid())
                .append('\n')
                .append("NSsid:\t")
                .append(who.ppid())
                .append('\n')
                .append("Kthread:\t0\n");
        taskMem(sb, mm, textBytes);
        sb.append("CoreDumping:\t0\n")
                .append("THP_enabled:\t1\n")
                .append("untag_mask:\t0xffffffffffffffff\n")
                .append("Threads:\t1\n")
                .append("SigQ:\t0/96364\n")
                .append("SigPnd:\t0000000000000000\n")
                .append("ShdPnd:\t0000000000000000\n")
                .append("SigBlk:\t0000000000000000\n")
                .append("SigIgn:\t0000000000000000\n")
                .append("SigCgt:\t0000000000000000\n")
                .append("CapInh:\t0000000000000000\n")
                .append("CapPrm:\t0000000000000000\n")
                .append("CapEff:\t0000000000000000\n")
                .append("CapBnd:\t000001ffffffffff\n")
                .append("CapAmb:\t0000000000000000\n")
                .append("NoNewPrivs:\t0\n")
                .append("Seccomp:\t0\n")
                .append("Seccomp_filters:\t0\n")
                .append("Speculation_Store_Bypass:\tvulnerable\n")
                .append("SpeculationIndirectBranch:\talways enabled\n")
                .append("Cpus_allowed:\t3\n")
                .append("Cpus_allowed_list:\t0-1\n")
                .append("Mems_allowed:\t");
        for (int word = 0; word < 31; word++) {
            sb.append("00000000,"); // MAX_NUMNODES = 1024: 32 words, node 0 alone
        }
        sb.append("00000001\n")
                .append("Mems_allowed_list:\t0\n")
                .append("voluntary_ctxt_switches:\t0\n")
                .append("nonvoluntary_ctxt_switches:\t0\n");
        return sb.toString();
    }

    /**
     * The status file of a live address space; the text size is that of {@code exePath}'s
     * executable mappings ({@link #textBytes}), or 0 when {@code exePath} is null.
     */
    public static String of(AddressSpace as, ProcessInfo who, String exePath) {
        return render(who, as.stats(), exePath == null ? 0 : textBytes(as.vmas(), exePath));
    }

    /**
     * {@code task_mem}: VmPeak, VmSize, VmLck, VmPin, VmHWM, VmRSS, RssAnon, RssFile, RssShmem,
     * VmData, VmStk, VmExe, VmLib, VmPTE, VmSwap, then {@code hugetlb_report_usage}'s HugetlbPages.
     * Each is {@code Name:\t%8lu kB}. VmSwap and HugetlbPages are 0: the emulator has neither swap
     * nor hugetlbfs.
     */
    public static String taskMem(MmStats mm, long textBytes) {
        StringBuilder sb = new StringBuilder(512);
        taskMem(sb, mm, textBytes);
        return sb.toString();
    }

    static void taskMem(StringBuilder sb, MmStats mm, long textBytes) {
        long totalRss = mm.rss();
        long execBytes = mm.execVm() << PAGE_SHIFT;
        long text = Math.min(textBytes, execBytes); // "split executable areas between text and lib"
        kb(sb, "VmPeak:", Math.max(mm.totalVm(), mm.hiwaterVm()) << PAGE_SHIFT);
        kb(sb, "VmSize:", mm.totalVm() << PAGE_SHIFT);
        kb(sb, "VmLck:", mm.lockedVm() << PAGE_SHIFT);
        kb(sb, "VmPin:", mm.pinnedVm() << PAGE_SHIFT);
        kb(sb, "VmHWM:", Math.max(totalRss, mm.hiwaterRss()) << PAGE_SHIFT);
        kb(sb, "VmRSS:", totalRss << PAGE_SHIFT);
        kb(sb, "RssAnon:", mm.rssAnon() << PAGE_SHIFT);
        kb(sb, "RssFile:", mm.rssFile() << PAGE_SHIFT);
        kb(sb, "RssShmem:", mm.rssShmem() << PAGE_SHIFT);
        kb(sb, "VmData:", mm.dataVm() << PAGE_SHIFT);
        kb(sb, "VmStk:", mm.stackVm() << PAGE_SHIFT);
        kb(sb, "VmExe:", text);
        kb(sb, "VmLib:", execBytes - text);
        kb(sb, "VmPTE:", mm.pageTableBytes());
        kb(sb, "VmSwap:", 0);
        kb(sb, "HugetlbPages:", 0);
    }

    /**
     * {@code proc_pid_statm} (fs/proc/array.c) over {@code task_statm}: size, resident, shared
     * (file and shmem pages), text, lib (always 0), data (data_vm + stack_vm), dt (always 0), in pages.
     * Unlike VmExe, text here is not capped by exec_vm.
     */
    public static String statm(MmStats mm, long textBytes) {
        long shared = mm.rssFile() + mm.rssShmem();
        return mm.totalVm() + " " + (shared + mm.rssAnon()) + " " + shared + " " + (textBytes >>> PAGE_SHIFT) + " 0 "
                + (mm.dataVm() + mm.stackVm()) + " 0\n";
    }

    /** The statm file of a live address space; see {@link #of(AddressSpace, ProcessInfo, String)}. */
    public static String statmOf(AddressSpace as, String exePath) {
        return statm(as.stats(), exePath == null ? 0 : textBytes(as.vmas(), exePath));
    }

    /**
     * Approximates {@code PAGE_ALIGN(end_code) - (start_code & PAGE_MASK)}, the span of the ELF
     * loader's executable PT_LOAD segments (fs/binfmt_elf.c), by the span from the lowest start to the
     * highest end of the VM_EXEC mappings of {@code exePath}; 0 when it has none.
     */
    public static long textBytes(List<VmaView> vmas, String exePath) {
        if (exePath == null) {
            return 0;
        }
        long start = -1;
        long end = 0;
        for (VmaView vma : vmas) {
            if ((vma.flags() & VmFlags.VM_EXEC) != 0 && exePath.equals(vma.name())) {
                if (start == -1) {
                    start = vma.start();
                }
                end = vma.end();
            }
        }
        return start == -1 ? 0 : end - start;
    }

    private static void ids(StringBuilder sb, String label, int id) {
        sb.append(label);
        for (int i = 0; i < 4; i++) {
            sb.append('\t').append(Integer.toUnsignedString(id));
        }
        sb.append('\n');
    }

    /** {@code seq_put_decimal_ull_width(m, "Name:\t", bytes >> 10, 8)} and " kB". */
    private static void kb(StringBuilder sb, String label, long bytes) {
        sb.append(label).append('\t');
        ProcSmaps.padLeft(sb, Long.toUnsignedString(bytes >>> 10), 8);
        sb.append(" kB\n");
    }
}
