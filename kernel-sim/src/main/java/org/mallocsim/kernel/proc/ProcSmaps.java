package org.mallocsim.kernel.proc;

import static org.mallocsim.kernel.Page.*;

import java.util.List;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;
import org.mallocsim.kernel.mm.PageStats;
import org.mallocsim.kernel.mm.VmFlags;
import org.mallocsim.kernel.mm.VmaView;

/**
 * {@code /proc/self/smaps} and {@code /proc/self/smaps_rollup} (fs/proc/task_mmu.c: {@code show_smap},
 * {@code __show_smap}, {@code show_smaps_rollup}), in the field set of Linux 6.18 on x86-64, with
 * the {@code ProtectionKey:} line when the CPU has protection keys ({@link KernelConfig#pku()}).
 *
 * <p>Values our inputs cannot know are those of a lone process without swap, KSM, huge pages or
 * hugetlbfs: {@code Shared_*}, {@code KSM}, {@code *PmdMapped}, {@code AnonHugePages}, {@code *_Hugetlb},
 * {@code Swap} and {@code SwapPss} are 0, and {@code Pss} equals {@code Rss}.
 */
public final class ProcSmaps {

    private static final PageStats NO_PAGES = new PageStats(0, 0, 0, 0, 0, 0);

    private ProcSmaps() {}

    /** The smaps text of {@code vmas} under the default configuration, without the gate. */
    public static String render(List<VmaView> vmas, PageStatsSource pages) {
        return render(vmas, pages, false, KernelConfig.defaults());
    }

    /**
     * The smaps text of {@code vmas}, with the {@code [vsyscall]} entry last when asked; the THP mode
     * and protection keys of {@code config} decide THPeligible and ProtectionKey.
     */
    public static String render(List<VmaView> vmas, PageStatsSource pages, boolean vsyscall, KernelConfig config) {
        StringBuilder sb = new StringBuilder(vmas.size() * 800 + 800);
        for (VmaView vma : vmas) {
            showSmap(sb, vma, pages.pageStats(vma.start(), vma.end()), config);
        }
        if (vsyscall) {
            showSmap(sb, ProcMaps.VSYSCALL, NO_PAGES, config);
        }
        return sb.toString();
    }

    /** The smaps text of a live address space, gate entry included. */
    public static String of(AddressSpace as) {
        return render(as.vmas(), as::pageStats, true, as.config());
    }

    /**
     * {@code show_smaps_rollup}: one {@code [rollup]} entry summing every VMA (the gate excluded),
     * whose header spans from the first VMA's start to the last one's end, with flags and numbers
     * zero ({@code ---p 00000000 00:00 0}).
     */
    public static String rollup(List<VmaView> vmas, PageStatsSource pages) {
        MemSizeStats mss = new MemSizeStats();
        for (VmaView vma : vmas) {
            mss.add(vma, pages.pageStats(vma.start(), vma.end()));
        }
        long start = vmas.isEmpty() ? 0 : vmas.get(0).start();
        long end = vmas.isEmpty() ? 0 : vmas.get(vmas.size() - 1).end();
        StringBuilder sb = new StringBuilder(1024);
        ProcMaps.showVmaHeaderPrefix(sb, start, end, 0, 0, 0, 0, 0);
        ProcMaps.padTo(sb, 0);
        sb.append("[rollup]\n");
        showCounters(sb, mss, true);
        return sb.toString();
    }

    /** The smaps_rollup text of a live address space. */
    public static String rollupOf(AddressSpace as) {
        return rollup(as.vmas(), as::pageStats);
    }

    /** {@code show_smap}: the maps line, sizes, the counters, THPeligible, ProtectionKey and VmFlags. */
    static void showSmap(StringBuilder sb, VmaView vma, PageStats pages, KernelConfig config) {
        MemSizeStats mss = new MemSizeStats();
        mss.add(vma, pages);
        ProcMaps.appendMapLine(sb, vma);
        kb(sb, "Size:           ", vma.end() - vma.start());
        kb(sb, "KernelPageSize: ", PAGE_SIZE);
        kb(sb, "MMUPageSize:    ", PAGE_SIZE);
        showCounters(sb, mss, false);
        sb.append("THPeligible:    ");
        padLeft(sb, config.thpEnabled().eligible(vma) ? "1" : "0", 8);
        sb.append('\n');
        if (config.pku()) {
            // arch_pkeys_enabled(): "ProtectionKey:  %8u"
            sb.append("ProtectionKey:  ");
            padLeft(sb, Integer.toString(VmFlags.vmaPkey(vma.flags())), 8);
            sb.append('\n');
        }
        VmFlagNames.appendVmFlagsLine(sb, vma.flags());
    }

    /** {@code __show_smap}: the counters common to smaps and smaps_rollup. */
    static void showCounters(StringBuilder sb, MemSizeStats mss, boolean rollup) {
        kb(sb, "Rss:            ", mss.resident);
        kb(sb, "Pss:            ", mss.pss);
        kb(sb, "Pss_Dirty:      ", mss.pssDirty);
        if (rollup) {
            kb(sb, "Pss_Anon:       ", mss.pssAnon);
            kb(sb, "Pss_File:       ", mss.pssFile);
            kb(sb, "Pss_Shmem:      ", mss.pssShmem);
        }
        kb(sb, "Shared_Clean:   ", mss.sharedClean);
        kb(sb, "Shared_Dirty:   ", mss.sharedDirty);
        kb(sb, "Private_Clean:  ", mss.privateClean);
        kb(sb, "Private_Dirty:  ", mss.privateDirty);
        kb(sb, "Referenced:     ", mss.referenced);
        kb(sb, "Anonymous:      ", mss.anonymous);
        kb(sb, "KSM:            ", mss.ksm);
        kb(sb, "LazyFree:       ", mss.lazyFree);
        kb(sb, "AnonHugePages:  ", mss.anonymousThp);
        kb(sb, "ShmemPmdMapped: ", mss.shmemThp);
        kb(sb, "FilePmdMapped:  ", mss.fileThp);
        kb(sb, "Shared_Hugetlb: ", mss.sharedHugetlb);
        // the one label too long for the 16-column field: the kernel narrows the number to 7
        sb.append("Private_Hugetlb: ");
        padLeft(sb, Long.toUnsignedString(mss.privateHugetlb >>> 10), 7);
        sb.append(" kB\n");
        kb(sb, "Swap:           ", mss.swap);
        kb(sb, "SwapPss:        ", mss.swapPss);
        kb(sb, "Locked:         ", mss.pssLocked);
    }

    /** {@code seq_put_decimal_ull_width(m, label, bytes >> 10, 8)} and " kB". */
    private static void kb(StringBuilder sb, String label, long bytes) {
        sb.append(label);
        padLeft(sb, Long.toUnsignedString(bytes >>> 10), 8);
        sb.append(" kB\n");
    }

    static void padLeft(StringBuilder sb, String digits, int width) {
        for (int i = digits.length(); i < width; i++) {
            sb.append(' ');
        }
        sb.append(digits);
    }
}
