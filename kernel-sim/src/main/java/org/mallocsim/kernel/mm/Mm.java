package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.Page.*;
import static org.mallocsim.kernel.mm.VmFlags.*;

import org.mallocsim.kernel.paging.PhysicalMemory;

/**
 * The state of one {@code mm_struct} (include/linux/mm_types.h) and the bookkeeping every syscall
 * shares: VMA insertion and removal with {@code map_count}, {@code vm_stat_account},
 * {@code may_expand_vm}, overcommit ({@code __vm_enough_memory}, mm/util.c) and the RSS counters.
 * The syscalls live in their own classes and operate on this.
 */
final class Mm {
    /** x86-64 4-level {@code TASK_SIZE} = {@code DEFAULT_MAP_WINDOW}. */
    static final long TASK_SIZE = 0x7ffffffff000L;

    /** Integrity checks after each syscall, for tests: {@code -Dmallocsim.mm.check=true}. */
    static final boolean CHECK = Boolean.getBoolean("mallocsim.mm.check");

    final KernelConfig config;
    final VmaTree tree = new VmaTree();
    final Paging paging;
    final AnonFault fault;

    int mapCount;
    /** {@code mm->context.execute_only_pkey}: -1 until PROT_EXEC alone first asks for it. */
    private int executeOnlyPkey = -1;
    /** VMAs freed by munmap, reused by {@link #newVma}. */
    private final Vma[] spare = new Vma[16];

    private int spares;
    long startBrk;
    long brk;
    long mmapBase;
    long mmapLegacyBase;
    boolean topdown = true;
    long startStack;
    boolean hasVsyscall;
    /** The path of {@code mm->exe_file}, the executable image; null when the process has none. */
    String exeFile;

    long totalVm;
    long hiwaterVm;
    long lockedVm;
    long dataVm;
    long execVm;
    long stackVm;
    long rssAnon;
    long rssFile;
    long rssShmem;
    long hiwaterRss;
    long minorFaults;
    /** Pages charged to {@code vm_committed_as} by this process. */
    long committed;

    long nextShmemInode = 1025;

    /** Syscall counts indexed by {@link SyscallKind#ordinal()}. */
    final long[] syscalls = new long[SyscallKind.values().length];

    /** Pages of RAM for the overcommit heuristics ({@code totalram_pages}). */
    final long totalRamPages;
    /** {@code sysctl_admin_reserve_kbytes} in pages: min(3 % of RAM, 8 MiB). */
    final long adminReservePages;
    /** {@code sysctl_user_reserve_kbytes} in pages: min(3 % of RAM, 128 MiB). */
    final long userReservePages;

    Mm(KernelConfig config, PhysicalMemory sharedRam) {
        this.config = config;
        this.totalRamPages = config.ramBytes() >>> PAGE_SHIFT;
        this.adminReservePages = Math.min(totalRamPages * 3 / 100, (8L << 20) >>> PAGE_SHIFT);
        this.userReservePages = Math.min(totalRamPages * 3 / 100, (128L << 20) >>> PAGE_SHIFT);
        this.paging = new Paging(config, sharedRam);
        this.fault = new AnonFault(this);
    }

    // ---- VMAs in the tree ------------------------------------------------------------------------

    void insert(Vma v) {
        tree.insert(v);
        mapCount++;
    }

    /**
     * A VMA object for a new range: a recycled one when munmap has freed some (as the kernel
     * reuses {@code vm_area_struct}s from its slab cache), so an mmap+munmap pair in steady state
     * allocates nothing.
     */
    Vma newVma(long start, long end, long flags, long pgoff, String name) {
        if (spares == 0) {
            return new Vma(start, end, flags, pgoff, name);
        }
        Vma v = spare[--spares];
        spare[spares] = null;
        v.start = start;
        v.end = end;
        v.flags = flags;
        v.pgoff = pgoff;
        v.name = name;
        v.anonVma = null;
        v.file = null;
        v.shmem = null;
        return v;
    }

    /** Keeps a VMA that munmap removed and nothing refers to any more, for {@link #newVma}. */
    private void recycle(Vma v) {
        if (spares < spare.length) {
            spare[spares++] = v;
        }
    }

    /** Detaches a VMA (no stats, no page zapping) and drops its hold on a shmem object. */
    void remove(Vma v) {
        tree.remove(v);
        mapCount--;
        if (v.shmem != null) {
            release(v.shmem);
            v.shmem = null;
        }
    }

    void release(Shmem s) {
        if (--s.mappings == 0) {
            paging.freeShmem(s);
            vmUnacct(s.committed);
            s.committed = 0;
        }
    }

    /** The VMA ending at or below addr: {@code vma_prev} of the position addr. */
    Vma prevOf(long addr) {
        Vma v = tree.find(addr);
        Vma p = v == null ? tree.last() : tree.prev(v);
        if (v != null && v.start < addr) {
            return v;
        }
        return p;
    }

    // ---- statistics ------------------------------------------------------------------------------

    static boolean isExecMapping(long f) {
        return (f & (VM_EXEC | VM_WRITE | VM_GROWSDOWN)) == VM_EXEC;
    }

    static boolean isStackMapping(long f) {
        return (f & VM_GROWSDOWN) == VM_GROWSDOWN;
    }

    static boolean isDataMapping(long f) {
        return (f & (VM_WRITE | VM_SHARED | VM_GROWSDOWN)) == VM_WRITE;
    }

    /** {@code vm_stat_account} (mm/mmap.c). */
    void vmStatAccount(long flags, long pages) {
        if (pages < 0) {
            updateHiwaterVm();
        }
        totalVm += pages;
        if (isExecMapping(flags)) {
            execVm += pages;
        } else if (isStackMapping(flags)) {
            stackVm += pages;
        } else if (isDataMapping(flags)) {
            dataVm += pages;
        }
        if ((flags & VM_LOCKED) != 0) {
            lockedVm += pages;
        }
        if (totalVm > hiwaterVm) {
            hiwaterVm = totalVm;
        }
    }

    void updateHiwaterVm() {
        if (totalVm > hiwaterVm) {
            hiwaterVm = totalVm;
        }
    }

    void updateHiwaterRss() {
        long rss = rssAnon + rssFile + rssShmem;
        if (rss > hiwaterRss) {
            hiwaterRss = rss;
        }
    }

    /**
     * {@code execute_only_pkey} → {@code __execute_only_pkey} (arch/x86/mm/pkeys.c): the key that
     * backs PROT_EXEC-only memory, allocated on first use as the lowest free key (1: key 0 is the
     * default and this emulator offers no pkey_alloc), with its access disabled in PKRU. -1 when the
     * CPU has no protection keys, and then exec implies read.
     */
    int executeOnlyPkey() {
        if (!config.pku()) {
            return -1;
        }
        if (executeOnlyPkey < 0) {
            executeOnlyPkey = 1;
        }
        return executeOnlyPkey;
    }

    /** {@code mm->context.execute_only_pkey} without allocating it: -1 when never asked for. */
    int executeOnlyPkeyIfAllocated() {
        return executeOnlyPkey;
    }

    /** {@code may_expand_vm} (mm/mmap.c): RLIMIT_AS and, for data mappings, RLIMIT_DATA. */
    boolean mayExpandVm(long flags, long pages) {
        long as = config.rlimitAs();
        if (as >= 0 && totalVm + pages > (as >>> PAGE_SHIFT)) {
            return false;
        }
        long data = config.rlimitData();
        if (isDataMapping(flags) && data >= 0 && dataVm + pages > (data >>> PAGE_SHIFT)) {
            return false;
        }
        return true;
    }

    /**
     * {@code __vm_enough_memory} (mm/util.c): charges {@code pages} to Committed_AS and returns
     * true, or returns false and charges nothing.
     */
    boolean vmEnoughMemory(long pages) {
        switch (config.overcommitMemory()) {
            case 1 -> {}
            case 2 -> {
                long allowed = totalRamPages * config.overcommitRatio() / 100;
                allowed -= adminReservePages;
                allowed -= Math.min(totalVm / 32, userReservePages);
                if (committed + pages > allowed) {
                    return false;
                }
            }
            default -> {
                if (pages > totalRamPages) {
                    return false;
                }
            }
        }
        committed += pages;
        return true;
    }

    void vmUnacct(long pages) {
        committed -= pages;
    }

    /** {@code CommitLimit} of /proc/meminfo in pages. */
    long commitLimitPages() {
        return totalRamPages * config.overcommitRatio() / 100;
    }

    // ---- split (mm/vma.c); merging is VmaMerge's ---------------------------------------------------

    /** The one merge request every syscall reuses (see {@link VmaMergeStruct}). */
    final VmaMergeStruct vmg = new VmaMergeStruct();

    /**
     * {@code __split_vma} (mm/vma.c) without the map_count check: splits at addr and returns the
     * new VMA, the lower part when {@code newBelow}, else the upper part.
     */
    Vma splitVma(Vma vma, long addr, boolean newBelow) {
        Vma n;
        if (newBelow) {
            n = vma.dup(vma.start, addr, vma.pgoff);
            long upperPgoff = vma.pgoffAt(addr);
            tree.resize(vma, addr, vma.end);
            vma.pgoff = upperPgoff;
        } else {
            n = vma.dup(addr, vma.end, vma.pgoffAt(addr));
            tree.resize(vma, vma.start, addr);
        }
        insert(n);
        return n;
    }

    // ---- unmapping (mm/vma.c do_vmi_align_munmap) ---------------------------------------------------

    /**
     * {@code do_vmi_align_munmap}: removes every VMA part in [start, end) (holes allowed), zaps
     * their pages, frees the page tables between the neighbours, flushes the TLB and fixes the
     * counters. Fails only with ENOMEM when splitting one VMA in two at {@code map_count >= max}.
     */
    int alignMunmap(long start, long end) {
        Vma v = tree.find(start);
        if (v == null || v.start >= end) {
            return 0;
        }
        if (v.start < start) {
            if (end < v.end && mapCount >= config.maxMapCount()) {
                return -org.mallocsim.kernel.Errno.ENOMEM;
            }
            splitVma(v, start, true);
        }
        Vma last = tree.find(end - 1);
        if (last != null && last.start < end && last.end > end) {
            splitVma(last, end, false);
        }
        Vma prev = tree.prev(v);
        long floor = prev == null ? 0 : prev.end;
        while (v != null && v.start < end) {
            Vma nx = tree.next(v);
            paging.zapVma(this, v, v.start, v.end);
            vmStatAccount(v.flags, -v.pages());
            if ((v.flags & VM_ACCOUNT) != 0) {
                vmUnacct(v.pages());
            }
            remove(v);
            recycle(v);
            v = nx;
        }
        long ceiling = v == null ? TASK_SIZE : v.start;
        paging.freePgtables(floor, ceiling);
        paging.flushRange(start, end);
        return 0;
    }
}
