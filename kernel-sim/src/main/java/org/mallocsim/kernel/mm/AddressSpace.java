package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.Page.*;

import java.util.List;
import org.mallocsim.kernel.paging.FaultHandler;
import org.mallocsim.kernel.paging.Mmu;
import org.mallocsim.kernel.paging.PageWalk;
import org.mallocsim.kernel.paging.PageWindow;
import org.mallocsim.kernel.paging.PhysicalMemory;
import org.mallocsim.kernel.paging.WriteWatcher;

/**
 * One emulated process's address space, Linux's {@code mm_struct}: its VMAs, page table and TLB,
 * the memory syscalls with Linux's exact results and errnos, and loads and stores by virtual
 * address. Syscalls return what the kernel entry point returns: the result, or {@code -errno}
 * (brk returns the old break on failure, as the raw syscall does).
 *
 * <p>The syscalls live in package-private classes named after their Linux files ({@link Brk},
 * {@link Mmap}, {@link Mprotect}, {@link Mremap}, {@link Madvise}); faults in {@link AnonFault}.
 * Loads and stores go through the {@link Mmu}; RAM, page table and TLB are made on the first
 * memory access.
 *
 * <p>{@code -Dmallocsim.mm.check=true} runs {@link #checkConsistency()} after every syscall.
 */
public final class AddressSpace implements FaultHandler {

    private final Mm mm;
    private Mmu mmu;
    /** The 8-byte words of fills, copies, reads and writes; the MMU counts the single loads and stores. */
    private long blockWords;
    /** Told of each completed syscall; null (the default) costs one check. */
    private SyscallListener listener;

    /** A fresh process with the default x86-64 layout (no randomization unless configured). */
    public AddressSpace(KernelConfig config) {
        this(config, null);
    }

    /** A fresh process whose frames come from {@code ram}, shared with other address spaces. */
    public AddressSpace(KernelConfig config, PhysicalMemory ram) {
        this.mm = new Mm(config, ram);
        Layout.initDefault(mm);
    }

    private AddressSpace(KernelConfig config, List<String> mapsLines, long startBrk) {
        this.mm = new Mm(config, null);
        Layout.initFromMaps(mm, mapsLines, startBrk);
    }

    /**
     * A process that starts from a recorded {@code /proc/PID/maps} listing: every line becomes a
     * VMA as it was (file-backed regions keep their names), the heap starts at {@code startBrk}, and
     * later mmaps go where the real kernel would put them.
     *
     * @throws IllegalArgumentException naming the line that cannot be parsed
     */
    public static AddressSpace fromMaps(KernelConfig config, List<String> mapsLines, long startBrk) {
        return new AddressSpace(config, mapsLines, startBrk);
    }

    /** Sets (or with null removes) the listener told of each syscall this process completes. */
    public void syscallListener(SyscallListener l) {
        listener = l;
    }

    // ---- syscalls ------------------------------------------------------------------------------

    /** brk(2), mm/mmap.c: the new break, or the old one on failure. */
    public long brk(long addr) {
        mm.syscalls[SyscallKind.BRK.ordinal()]++;
        long r = Brk.brk(mm, addr);
        afterSyscall();
        if (listener != null) {
            listener.syscall(SyscallKind.BRK, addr, 0, 0, 0, 0, 0, r);
        }
        return r;
    }

    /** mmap(2), mm/mmap.c do_mmap: the address, or -errno. */
    public long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
        mm.syscalls[SyscallKind.MMAP.ordinal()]++;
        long r = Mmap.doMmap(mm, addr, length, prot, flags, fd, offset);
        afterSyscall();
        if (listener != null) {
            listener.syscall(SyscallKind.MMAP, addr, length, prot, flags, fd, offset, r);
        }
        return r;
    }

    /** munmap(2), mm/vma.c do_vmi_munmap: 0 or -errno. */
    public int munmap(long addr, long length) {
        mm.syscalls[SyscallKind.MUNMAP.ordinal()]++;
        int r = Mmap.doMunmap(mm, addr, length);
        afterSyscall();
        if (listener != null) {
            listener.syscall(SyscallKind.MUNMAP, addr, length, 0, 0, 0, 0, r);
        }
        return r;
    }

    /** mprotect(2), mm/mprotect.c do_mprotect_pkey: 0 or -errno. */
    public int mprotect(long addr, long length, int prot) {
        mm.syscalls[SyscallKind.MPROTECT.ordinal()]++;
        int r = Mprotect.doMprotect(mm, addr, length, prot);
        afterSyscall();
        if (listener != null) {
            listener.syscall(SyscallKind.MPROTECT, addr, length, prot, 0, 0, 0, r);
        }
        return r;
    }

    /** mremap(2), mm/mremap.c: the new address, or -errno. */
    public long mremap(long oldAddr, long oldLength, long newLength, int flags, long newAddr) {
        mm.syscalls[SyscallKind.MREMAP.ordinal()]++;
        long r = Mremap.doMremap(mm, oldAddr, oldLength, newLength, flags, newAddr);
        afterSyscall();
        if (listener != null) {
            listener.syscall(SyscallKind.MREMAP, oldAddr, oldLength, newLength, flags, newAddr, 0, r);
        }
        return r;
    }

    /** madvise(2), mm/madvise.c: 0 or -errno. */
    public int madvise(long addr, long length, int advice) {
        mm.syscalls[SyscallKind.MADVISE.ordinal()]++;
        int r = Madvise.doMadvise(mm, addr, length, advice);
        afterSyscall();
        if (listener != null) {
            listener.syscall(SyscallKind.MADVISE, addr, length, advice, 0, 0, 0, r);
        }
        return r;
    }

    private void afterSyscall() {
        if (Mm.CHECK) {
            Introspect.check(mm);
        }
    }

    // ---- faults --------------------------------------------------------------------------------

    /** The x86 page-fault entry, {@code do_user_addr_fault} (arch/x86/mm/fault.c); called by the MMU. */
    @Override
    public void handlePageFault(long vaddr, int errorCode) {
        mm.fault.handlePageFault(vaddr, errorCode);
    }

    private Mmu mmu() {
        Mmu m = mmu;
        return m != null ? m : startMmu();
    }

    /** Kept out of {@link #mmu()} so that the JIT's first tier inlines the check into every access. */
    private Mmu startMmu() {
        mm.paging.start(this);
        return mmu = mm.paging.mmu();
    }

    // ---- memory --------------------------------------------------------------------------------

    public int load8(long vaddr) {
        return mmu().load8(vaddr);
    }

    public int load16(long vaddr) {
        return mmu().load16(vaddr);
    }

    public int load32(long vaddr) {
        return mmu().load32(vaddr);
    }

    public long load64(long vaddr) {
        return mmu().load64(vaddr);
    }

    public void store8(long vaddr, int value) {
        mmu().store8(vaddr, value);
    }

    public void store16(long vaddr, int value) {
        mmu().store16(vaddr, value);
    }

    public void store32(long vaddr, int value) {
        mmu().store32(vaddr, value);
    }

    public void store64(long vaddr, long value) {
        mmu().store64(vaddr, value);
    }

    /**
     * Tells {@code watcher} of every write into [start, start + length) from now on, whoever
     * makes it: for a copy of a few words kept outside emulated memory (see {@link Mmu#watchWrites}).
     */
    public void watchWrites(long start, long length, WriteWatcher watcher) {
        mmu().watchWrites(start, start + length, watcher);
    }

    /** A window on vaddr's page, or 0 (see {@link PageWindow}). */
    public long window(long vaddr) {
        return PageWindow.open(mmu(), vaddr);
    }

    /** Bumped by every TLB flush; a page window holds while it stays put (see {@link PageWindow}). */
    public long flushGeneration() {
        return mmu().flushGeneration();
    }

    public long windowLoad64(long window, long vaddr) {
        return PageWindow.load64(mmu(), window, vaddr);
    }

    public int windowLoad16(long window, long vaddr) {
        return PageWindow.load16(mmu(), window, vaddr);
    }

    public void windowStore64(long window, long vaddr, long value) {
        PageWindow.store64(mmu(), window, vaddr, value);
    }

    public void windowStore16(long window, long vaddr, int value) {
        PageWindow.store16(mmu(), window, vaddr, value);
    }

    public void fill(long vaddr, int value, long length) {
        count(words(length));
        mmu().fill(vaddr, value, length);
    }

    public void copy(long dstVaddr, long srcVaddr, long length) {
        count(2 * words(length));
        mmu().copy(dstVaddr, srcVaddr, length);
    }

    public void read(long vaddr, byte[] dst, int offset, int length) {
        count(words(length));
        mmu().read(vaddr, dst, offset, length);
    }

    public void write(long vaddr, byte[] src, int offset, int length) {
        count(words(length));
        mmu().write(vaddr, src, offset, length);
    }

    /**
     * Loads and stores made so far, each 8-byte word of a fill, copy, read or write counted as
     * one (a copy as two: a load and a store); 0 with {@code -Dmallocsim.accesses.count=false}.
     * The replay divides it by the calls to price a policy in memory accesses.
     */
    public long accesses() {
        return blockWords + (mmu == null ? 0 : mmu.accesses());
    }

    /** Pages mapped ({@code total_vm}): the VmSize of /proc/PID/status, without building {@link #stats()}. */
    public long totalVmPages() {
        return mm.totalVm;
    }

    /** Resident pages ({@code get_mm_rss}): VmRSS, without building {@link #stats()}. */
    public long rssPages() {
        return mm.rssAnon + mm.rssFile + mm.rssShmem;
    }

    private void count(long n) {
        if (Mmu.COUNT) {
            blockWords += n;
        }
    }

    private static long words(long length) {
        return length <= 0 ? 0 : (length + 7) >>> 3;
    }

    // ---- introspection -------------------------------------------------------------------------

    /** The VMAs in address order, as /proc/PID/maps lists them (names resolved as /proc does). */
    public List<VmaView> vmas() {
        return Introspect.vmas(mm);
    }

    /**
     * The {@code [vsyscall]} line /proc/PID/maps prints after the VMAs (the x86-64 gate area, not a
     * VMA and not in {@link #mapCount()}), or null when the listing had none.
     */
    public VmaView gateVma() {
        return mm.hasVsyscall
                ? new VmaView(
                        Layout.VSYSCALL_START,
                        Layout.VSYSCALL_START + PAGE_SIZE,
                        VmFlags.VM_EXEC,
                        0,
                        0,
                        0,
                        0,
                        "[vsyscall]")
                : null;
    }

    /**
     * The page-table entry mapping {@code vaddr}, or 0 when there is none: what {@link #pageWalk}
     * ends in, without building the walk, for scans over many pages.
     */
    public long pte(long vaddr) {
        return mm.paging.started() ? mm.paging.pageTable().readPte(vaddr) : 0;
    }

    /** The four page-table entries the MMU reads to translate {@code vaddr}, for learners and tests. */
    public PageWalk pageWalk(long vaddr) {
        return mm.paging.started()
                ? PageWalk.walk(mm.paging.ram(), mm.paging.pageTable().pgdPfn(), vaddr)
                : PageWalk.empty(vaddr);
    }

    /** The page-table walk of [start, end) for smaps. */
    public PageStats pageStats(long start, long end) {
        return Introspect.pageStats(mm, start, end);
    }

    public MmStats stats() {
        long tables = 0;
        long frames = 0;
        long hits = 0;
        long misses = 0;
        if (mm.paging.started()) {
            tables = mm.paging.pageTable().tableBytes();
            frames = mm.paging.ram().framesInUse();
            hits = mm.paging.mmu().tlbHits();
            misses = mm.paging.mmu().tlbMisses();
        }
        long rss = mm.rssAnon + mm.rssFile + mm.rssShmem;
        return new MmStats(
                mm.totalVm,
                Math.max(mm.hiwaterVm, mm.totalVm),
                mm.lockedVm,
                0,
                mm.dataVm,
                mm.execVm,
                mm.stackVm,
                mm.rssAnon,
                mm.rssFile,
                mm.rssShmem,
                Math.max(mm.hiwaterRss, rss),
                tables,
                mm.mapCount,
                mm.minorFaults,
                hits,
                misses,
                frames);
    }

    /**
     * Private writable pages mapped now ({@code VmData} in pages, {@code mm->data_vm}): what an
     * allocator can use, without the PROT_NONE reserve of a thread heap. A field read.
     */
    public long dataVmPages() {
        return mm.dataVm;
    }

    /** Bytes of page tables now ({@code VmPTE}). */
    public long pageTableBytes() {
        return mm.paging.started() ? mm.paging.pageTable().tableBytes() : 0;
    }

    /** How many times the syscall was called (successful or not). */
    public long syscallCount(SyscallKind kind) {
        return mm.syscalls[kind.ordinal()];
    }

    /** Pages this process charged to {@code Committed_AS} (VM_ACCOUNT mappings, brk, shmem). */
    public long committedPages() {
        return mm.committed;
    }

    /** {@code CommitLimit} of /proc/meminfo in pages (RAM × overcommit_ratio, no swap). */
    public long commitLimitPages() {
        return mm.commitLimitPages();
    }

    public int mapCount() {
        return mm.mapCount;
    }

    /** {@code mm->start_brk}. */
    public long startBrk() {
        return mm.startBrk;
    }

    /** {@code mm->brk}. */
    public long currentBrk() {
        return mm.brk;
    }

    /** {@code mm->mmap_base}. */
    public long mmapBase() {
        return mm.mmapBase;
    }

    /** {@code mm->start_stack}: an address inside the initial stack, which /proc names {@code [stack]}. */
    public long startStack() {
        return mm.startStack;
    }

    /** The kernel side, for tests in this package. */
    Mm mm() {
        return mm;
    }

    /** The path of the executable image ({@code /proc/self/exe}); null when the process has none. */
    public String exePath() {
        return mm.exeFile;
    }

    public KernelConfig config() {
        return mm.config;
    }

    /**
     * Ends the process for good, as its exit would: its RAM goes back to the host (the home
     * frames to the next process of this JVM, whose pages the host then need not fault in again).
     * Any later memory access or fault throws. Does nothing to RAM shared with other processes.
     */
    public void release() {
        mm.paging.release();
    }

    /**
     * Checks every invariant of the address space: VMAs sorted, disjoint, non-empty and indexed;
     * map_count and the vm counters agree with the VMAs; RSS counters equal the frames the page
     * table maps; frames in use = page tables + mapped frames + shmem frames + the zero page; every
     * valid TLB entry agrees with the page table.
     *
     * @throws IllegalStateException describing the first broken invariant
     */
    public void checkConsistency() {
        Introspect.check(mm);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (VmaView v : vmas()) {
            sb.append(Long.toHexString(v.start()))
                    .append('-')
                    .append(Long.toHexString(v.end()))
                    .append(' ')
                    .append(v.perms())
                    .append(v.name() == null ? "" : " " + v.name())
                    .append('\n');
        }
        return sb.toString();
    }
}
