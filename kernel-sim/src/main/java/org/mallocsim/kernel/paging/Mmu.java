package org.mallocsim.kernel.paging;

import static org.mallocsim.kernel.Page.*;

import java.nio.ByteBuffer;

/**
 * Loads and stores by virtual address through a software TLB in the manner of QEMU's softmmu
 * (accel/tcg/cputlb.c): a direct-mapped table indexed by virtual page number, with separate read
 * and write tags, holding the slab and offset of the frame. A miss walks the {@link PageTable};
 * a missing or insufficient translation goes to the {@link FaultHandler}, then the access is retried.
 * Accessed and dirty bits are set in the PTE as the hardware does.
 *
 * <pre>
 *  TLB (TLB_SIZE = 16384 entries), i = (vaddr >>> 12) &amp; (TLB_SIZE - 1); entry i is two longs
 *  of tags at host address tlb + 16i (four entries to a cache line: the hit path reads only
 *  these), two longs for the slow paths at tlb + 16 * TLB_SIZE + 16i, and the slab reference host[i]:
 *
 *          READ_TAG     WRITE_TAG      ADDEND                               HOST_BASE             host[i]
 *         +-----------+------------+  +------------------------------------+---------------------+-------------+
 *   i ->  | page va   | page va    |  | host address of the frame - page   | host address of     | slab of the |
 *         | or -1     | or -1      |  | va (HOST_BASE + slab offset - va)  | host[i]'s first byte | frame       |
 *         +-----------+------------+  +------------------------------------+---------------------+-------------+
 *
 *  tags: page va for a page in its home frame (see PhysicalMemory), page va | NOT_HOME for
 *        any other frame, -1 when invalid
 *  hit for an access of size s:  tag == (vaddr &amp; (PAGE_MASK | (s - 1)))
 *                                (a misaligned vaddr keeps low bits, and NOT_HOME is bit 11: neither
 *                                matches)
 *  host byte (hit):              UNSAFE.getByte(home + PhysicalMemory.homeOffset(vaddr))
 *  other frames (slow path):     UNSAFE.getByte(vaddr + ADDEND)
 *  slab offset (slow paths):     (int) (vaddr + ADDEND - HOST_BASE), for host[i]'s ByteBuffer methods
 *  WRITE_TAG = -1 on a valid read entry: read-only page, or writable but still clean;
 *  WRITE_TAG | WATCHED (bit 10) on a page with a write watch: its stores miss, so the slow path sees them
 *
 *  counters: accesses (every load and store), slowAccesses (those that missed the fast path's
 *  tag test), slowHits (translations the slow paths found in the TLB);
 *  tlbHits() = accesses - slowAccesses + slowHits
 * </pre>
 *
 * <p>A hit reads or writes the host address directly ({@code sun.misc.Unsafe}), with no bounds
 * checks, and for a page in its home frame without even the entry's addend: the address is a
 * mask of the virtual one, so the word's load need not wait for the entry's, which the tag test
 * checks beside it. A chain of dependent loads (a free list; a size, then the next header) pays
 * one memory latency a link, as native code does, not two. Pages in other frames (the zero page,
 * a page whose home frame was taken, a page moved by mremap) hit in the slow path through QEMU's
 * {@code addend}. The tag test admits only a naturally aligned access inside a page that a walk
 * mapped to a frame of live RAM ({@link #install}); every other access goes through the slab's
 * {@link ByteBuffer} with its checks.
 *
 * <p>As in QEMU, the compare folds the alignment check into the tag test: only naturally aligned
 * accesses take the fast path; others take the slow path, which splits page-crossing accesses
 * after translating both pages, so a store that faults on its second page writes nothing (x86
 * faults the whole instruction). A read fill of a clean writable page leaves the write tag
 * invalid, so the first store walks again and sets DIRTY (QEMU's {@code TLB_NOTDIRTY}).
 *
 * <p>The TLB is never refreshed behind the kernel's back: the mm layer calls {@link #flushRange}
 * after clearing or downgrading PTEs, and not after upgrading a not-present one, exactly where
 * Linux flushes; a stale entry left by such an upgrade only causes a re-walk.
 * Counting costs one field increment per access: the hits are what is left of the accesses
 * after the slow paths' own count, so the fast path stores nothing else
 * ({@code -Dmallocsim.accesses.count=false} removes the increment).
 * Not thread-safe: one emulated CPU.
 */
public final class Mmu {
    /** log2 of the TLB entries. */
    public static final int TLB_BITS = 14;
    /**
     * TLB entries: 64 MiB of reach, in QEMU's range ({@code CPU_TLB_DYN_MAX_BITS} is 22); a heap of
     * a thousand blocks of up to 64 KiB spans 8,000 pages. A flush costs what was filled since the
     * last one, not the table's size ({@link #flushAll}).
     */
    public static final int TLB_SIZE = 1 << TLB_BITS;
    /** Ranges of more pages are flushed whole ({@code tlb_single_page_flush_ceiling}, arch/x86/mm/tlb.c). */
    public static final int FLUSH_CEILING = 33;

    /** Whether {@link #accesses()} and {@link #tlbHits()} count; {@code -Dmallocsim.accesses.count=false} stops them. */
    public static final boolean COUNT = !"false".equals(System.getProperty("mallocsim.accesses.count"));

    static final int TLB_MASK = TLB_SIZE - 1;
    private static final long INVALID = -1;
    /** Set in the tags of a page that is not in its home frame, so that the fast path misses. */
    static final long NOT_HOME = 1L << 11;
    /** Set in the write tag of a page that {@link #watchWrites} watches, so that its stores miss. */
    static final long WATCHED = 1L << 10;
    /** The tag bits that are not the page's address. */
    static final long TAG_FLAGS = NOT_HOME | WATCHED;

    /** A handler that returns this often without making the page usable has a bug; x86 would loop. */
    private static final int MAX_FAULTS_PER_ACCESS = 4;

    private final PhysicalMemory ram;
    private final PageTable pageTable;
    private final FaultHandler faultHandler;

    /** Bytes of an entry's tags, and of its slow-path half. */
    private static final int ENTRY_BYTES = 16;

    private static final int READ_TAG = 0;
    static final int WRITE_TAG = 8;
    static final int ADDEND = TLB_SIZE * ENTRY_BYTES;
    private static final int HOST_BASE = ADDEND + 8;
    /** The byte offset of vaddr's entry is (vaddr >>> ENTRY_SHIFT) &amp; ENTRY_MASK. */
    private static final int ENTRY_SHIFT = PAGE_SHIFT - 4;

    private static final long ENTRY_MASK = (long) TLB_MASK * ENTRY_BYTES;

    /**
     * The table's memory, off the Java heap so that a lookup is two loads at computed addresses
     * with no array bounds checks; a direct buffer so that the collector frees it with the MMU.
     */
    private final ByteBuffer table = ByteBuffer.allocateDirect(2 * TLB_SIZE * ENTRY_BYTES + 64);

    /** The host address of entry 0, aligned to a cache line. */
    private final long tlb = (HostMemory.address(table) + 63) & -64L;

    private final ByteBuffer[] host = new ByteBuffer[TLB_SIZE];

    /** {@link PhysicalMemory#homeHost()}, read when the first home frame is installed. */
    private long home;

    private static final sun.misc.Unsafe UNSAFE = HostMemory.UNSAFE;

    /** Counted by the hit paths here and in {@link PageWindow}. */
    long accesses;

    private long slowAccesses;
    private long slowHits;
    private long misses;
    private long faults;
    /** Bumped by every flush: a two-page operation re-translates if a fault in between flushed. */
    private long flushGeneration;

    private boolean empty;
    /**
     * The entries filled since the last {@link #flushAll}, which invalidates only these (a
     * {@link #flushRange} may leave an index listed twice; a full list means sweep the table).
     */
    private final int[] filled = new int[TLB_SIZE];

    /** TLB_SIZE at first: the new table holds zeros, not INVALID, until the first sweep. */
    private int filledCount = TLB_SIZE;

    private final MmuSlowPath slowPath = new MmuSlowPath(this);

    /** An MMU with an empty TLB in front of {@code pageTable}. */
    public Mmu(PhysicalMemory ram, PageTable pageTable, FaultHandler faultHandler) {
        this.ram = ram;
        this.pageTable = pageTable;
        this.faultHandler = faultHandler;
        flushAll();
    }

    /** The byte at {@code vaddr}, zero-extended. */
    public int load8(long vaddr) {
        if (COUNT) accesses++;
        long e = entry(vaddr);
        if (UNSAFE.getLong(e + READ_TAG) == (vaddr & PAGE_MASK)) {
            return UNSAFE.getByte(home + PhysicalMemory.homeOffset(vaddr)) & 0xff;
        }
        if (COUNT) slowAccesses++;
        return (int) slowPath.load(vaddr, 1);
    }

    /** The little-endian 16 bits at {@code vaddr}, zero-extended. */
    public int load16(long vaddr) {
        if (COUNT) accesses++;
        long e = entry(vaddr);
        if (UNSAFE.getLong(e + READ_TAG) == (vaddr & (PAGE_MASK | 1))) {
            return UNSAFE.getShort(home + PhysicalMemory.homeOffset(vaddr)) & 0xffff;
        }
        if (COUNT) slowAccesses++;
        return (int) slowPath.load(vaddr, 2);
    }

    /** The little-endian 32 bits at {@code vaddr}. */
    public int load32(long vaddr) {
        if (COUNT) accesses++;
        long e = entry(vaddr);
        if (UNSAFE.getLong(e + READ_TAG) == (vaddr & (PAGE_MASK | 3))) {
            return UNSAFE.getInt(home + PhysicalMemory.homeOffset(vaddr));
        }
        if (COUNT) slowAccesses++;
        return (int) slowPath.load(vaddr, 4);
    }

    /** The little-endian 64 bits at {@code vaddr}. */
    public long load64(long vaddr) {
        if (COUNT) accesses++;
        long e = entry(vaddr);
        if (UNSAFE.getLong(e + READ_TAG) == (vaddr & (PAGE_MASK | 7))) {
            return UNSAFE.getLong(home + PhysicalMemory.homeOffset(vaddr));
        }
        if (COUNT) slowAccesses++;
        return slowPath.load(vaddr, 8);
    }

    /** Stores the low 8 bits of {@code value}. */
    public void store8(long vaddr, int value) {
        if (COUNT) accesses++;
        long e = entry(vaddr);
        if (UNSAFE.getLong(e + WRITE_TAG) == (vaddr & PAGE_MASK)) {
            UNSAFE.putByte(home + PhysicalMemory.homeOffset(vaddr), (byte) value);
            return;
        }
        if (COUNT) slowAccesses++;
        slowPath.store(vaddr, value, 1);
    }

    /** Stores the low 16 bits of {@code value}, little-endian. */
    public void store16(long vaddr, int value) {
        if (COUNT) accesses++;
        long e = entry(vaddr);
        if (UNSAFE.getLong(e + WRITE_TAG) == (vaddr & (PAGE_MASK | 1))) {
            UNSAFE.putShort(home + PhysicalMemory.homeOffset(vaddr), (short) value);
            return;
        }
        if (COUNT) slowAccesses++;
        slowPath.store(vaddr, value, 2);
    }

    /** Stores {@code value}, little-endian. */
    public void store32(long vaddr, int value) {
        if (COUNT) accesses++;
        long e = entry(vaddr);
        if (UNSAFE.getLong(e + WRITE_TAG) == (vaddr & (PAGE_MASK | 3))) {
            UNSAFE.putInt(home + PhysicalMemory.homeOffset(vaddr), value);
            return;
        }
        if (COUNT) slowAccesses++;
        slowPath.store(vaddr, value, 4);
    }

    /** Stores {@code value}, little-endian. */
    public void store64(long vaddr, long value) {
        if (COUNT) accesses++;
        long e = entry(vaddr);
        if (UNSAFE.getLong(e + WRITE_TAG) == (vaddr & (PAGE_MASK | 7))) {
            UNSAFE.putLong(home + PhysicalMemory.homeOffset(vaddr), value);
            return;
        }
        if (COUNT) slowAccesses++;
        slowPath.store(vaddr, value, 8);
    }

    /** memset: page by page in address order, so a fault leaves the earlier pages written. */
    public void fill(long vaddr, int value, long length) {
        slowPath.fill(vaddr, value, length);
    }

    /** memmove between two virtual ranges: overlapping ranges copy as if through a temporary. */
    public void copy(long dstVaddr, long srcVaddr, long length) {
        slowPath.copy(dstVaddr, srcVaddr, length);
    }

    /** Copies {@code length} bytes at {@code vaddr} into {@code dst}. */
    public void read(long vaddr, byte[] dst, int offset, int length) {
        slowPath.read(vaddr, dst, offset, length);
    }

    /** Copies {@code length} bytes of {@code src} to {@code vaddr}, page by page in address order. */
    public void write(long vaddr, byte[] src, int offset, int length) {
        slowPath.write(vaddr, src, offset, length);
    }

    /**
     * Tells {@code watcher} of every write into [start, end) from now on, replacing any earlier
     * watch (one range per MMU). The range's pages leave the TLB so that their next fills mark
     * the write tags {@link #WATCHED}.
     */
    public void watchWrites(long start, long end, WriteWatcher watcher) {
        slowPath.watch(start, end, watcher);
        flushRange(start & PAGE_MASK, end);
    }

    /** Invalidates every TLB entry ({@code flush_tlb_mm}); QEMU's memset(-1) of the table. */
    public void flushAll() {
        if (filledCount < TLB_SIZE) {
            for (int k = 0; k < filledCount; k++) {
                int i = filled[k];
                put(i, READ_TAG, INVALID);
                put(i, WRITE_TAG, INVALID);
            }
        } else {
            for (int i = 0; i < TLB_SIZE; i++) {
                put(i, READ_TAG, INVALID);
                put(i, WRITE_TAG, INVALID);
            }
        }
        filledCount = 0;
        flushGeneration++;
        empty = true;
    }

    /**
     * Invalidates the entries of the pages in [start, end) ({@code flush_tlb_range}); like x86's
     * {@code flush_tlb_mm_range}, a range of more than {@link #FLUSH_CEILING} pages flushes all.
     */
    public void flushRange(long start, long end) {
        flushGeneration++;
        if (empty || Long.compareUnsigned(start, end) >= 0) {
            return;
        }
        long first = start >>> PAGE_SHIFT;
        long last = (end - 1) >>> PAGE_SHIFT;
        if (last - first >= FLUSH_CEILING) {
            flushAll();
            return;
        }
        for (long p = first; p <= last; p++) {
            int i = (int) p & TLB_MASK;
            long page = p << PAGE_SHIFT;
            if ((get(i, READ_TAG) & ~NOT_HOME) == page) {
                put(i, READ_TAG, INVALID);
            }
            if ((get(i, WRITE_TAG) & ~TAG_FLAGS) == page) {
                put(i, WRITE_TAG, INVALID);
            }
        }
    }

    /**
     * Translations found in the TLB: an access that passed the fast path's tag test, or a page a
     * slow path found there (0 with {@code -Dmallocsim.accesses.count=false}).
     */
    public long tlbHits() {
        return accesses - slowAccesses + slowHits;
    }

    /**
     * Loads and stores made so far, of any size, hit or miss; not the block operations (fill,
     * copy, read, write), which translate page by page (0 with {@code -Dmallocsim.accesses.count=false}).
     */
    public long accesses() {
        return accesses;
    }

    /** The host address of the TLB entry that {@code vaddr}'s page maps to. */
    long entry(long vaddr) {
        return tlb + ((vaddr >>> ENTRY_SHIFT) & ENTRY_MASK);
    }

    /** Field {@code field} (a byte offset) of TLB entry {@code i}. */
    private long get(int i, int field) {
        return UNSAFE.getLong(tlb + (long) i * ENTRY_BYTES + field);
    }

    private void put(int i, int field, long value) {
        UNSAFE.putLong(tlb + (long) i * ENTRY_BYTES + field, value);
    }

    /** Lookups that walked the page table (TLB fills, including those that faulted first). */
    public long tlbMisses() {
        return misses;
    }

    /** Calls made to the fault handler. */
    public long pageFaults() {
        return faults;
    }

    /** The raw read ({@code write} false) or write tag of TLB entry {@code i}, for {@link TlbAudit}. */
    long tagAt(int i, boolean write) {
        return get(i, write ? WRITE_TAG : READ_TAG);
    }

    /** Whether {@code page} is watched ({@link #watchWrites}), for {@link TlbAudit}. */
    boolean watches(long page) {
        return slowPath.watches(page);
    }

    /** The host address the slow paths reach for {@code vaddr} through TLB entry {@code i}'s addend. */
    long hostAddressAt(int i, long vaddr) {
        return vaddr + get(i, ADDEND);
    }

    /** The offset in slab host[i] of {@code vaddr}, whose page TLB entry {@code i} holds. */
    int hostOffsetAt(int i, long vaddr) {
        return (int) (vaddr + get(i, ADDEND) - get(i, HOST_BASE));
    }

    /**
     * Bumped by every flush: a two-page access translates again, and a page window is given up,
     * if a fault in between flushed.
     */
    public long flushGeneration() {
        return flushGeneration;
    }

    /** The slab TLB entry {@code i} points into. */
    ByteBuffer hostAt(int i) {
        return host[i];
    }

    // ---- slow path -----------------------------------------------------------------------------

    /**
     * The TLB index holding a translation of {@code vaddr}'s page usable for the access, after a
     * walk and any faults; {@code vaddr} is the first byte accessed in that page, the address a
     * fault reports (CR2).
     */
    int translate(long vaddr, boolean write) {
        int i = (int) (vaddr >>> PAGE_SHIFT) & TLB_MASK;
        if (((write ? get(i, WRITE_TAG) : get(i, READ_TAG)) & ~TAG_FLAGS) == (vaddr & PAGE_MASK)) {
            if (COUNT) slowHits++;
            return i;
        }
        misses++;
        return fill(vaddr, write);
    }

    /**
     * Walks the page table and installs the translation, faulting until the PTE allows the access
     * (QEMU's {@code tlb_fill} → {@code tlb_set_page_full}; the walk and the #PF error code follow
     * the x86 hardware, arch/x86/mm/fault.c reads them).
     */
    private int fill(long vaddr, boolean write) {
        MmuSlowPath.requireCanonical(vaddr);
        for (int attempt = 0; ; attempt++) {
            long slot = pageTable.walk(vaddr);
            long pte = slot < 0 ? 0 : ram.getLong(slot);
            // PKRU is Linux's init_pkru_value: data access to any key but 0 faults (execute-only memory)
            if ((pte & (Pte.PRESENT | Pte.USER | Pte.PKEY_MASK)) == (Pte.PRESENT | Pte.USER)
                    && (!write || (pte & Pte.RW) != 0)) {
                return install(vaddr, slot, pte, write);
            }
            if (attempt == MAX_FAULTS_PER_ACCESS) {
                throw new IllegalStateException("the fault handler returned " + attempt + " times without mapping 0x"
                        + Long.toHexString(vaddr) + " for " + (write ? "write" : "read") + ": " + Pte.toString(pte));
            }
            faults++;
            int errorCode = FaultHandler.PF_USER
                    | (write ? FaultHandler.PF_WRITE : 0)
                    | ((pte & Pte.PRESENT) != 0 ? FaultHandler.PF_PROT : 0)
                    | ((pte & (Pte.PRESENT | Pte.PKEY_MASK)) > Pte.PRESENT ? FaultHandler.PF_PK : 0);
            faultHandler.handlePageFault(vaddr, errorCode);
        }
    }

    /**
     * Checks that every valid TLB entry agrees with the page table (see {@link TlbAudit}).
     *
     * @return null when they agree, else the first disagreement
     */
    public String checkAgainstPageTable() {
        return TlbAudit.check(this, pageTable, ram);
    }

    /** Sets ACCESSED (and DIRTY for a write) in the PTE in RAM, then fills the TLB entry. */
    private int install(long vaddr, long slot, long pte, boolean write) {
        long bits = write ? Pte.ACCESSED | Pte.DIRTY : Pte.ACCESSED;
        if ((pte & bits) != bits) {
            pte |= bits;
            ram.putLong(slot, pte);
        }
        long pfn = Pte.pfn(pte);
        if (PhysicalMemory.CHECKS && (pfn >= ram.frames() || (pfn == ram.zeroPfn() && (pte & Pte.RW) != 0))) {
            throw new IllegalStateException("bad PTE for 0x" + Long.toHexString(vaddr) + ": " + Pte.toString(pte));
        }
        long page = vaddr & PAGE_MASK;
        int i = (int) (vaddr >>> PAGE_SHIFT) & TLB_MASK;
        if (get(i, READ_TAG) == INVALID && filledCount < TLB_SIZE) {
            filled[filledCount++] = i; // every valid entry has a read tag
        }
        boolean atHome = ram.isHome(pfn, vaddr);
        if (atHome) {
            home = ram.homeHost();
        }
        long tag = atHome ? page : page | NOT_HOME;
        put(i, READ_TAG, tag);
        boolean writable = (pte & (Pte.RW | Pte.DIRTY)) == (Pte.RW | Pte.DIRTY);
        put(i, WRITE_TAG, !writable ? INVALID : slowPath.watches(page) ? tag | WATCHED : tag);
        ByteBuffer slab = ram.slab(pfn);
        long base = HostMemory.address(slab);
        host[i] = slab;
        put(i, HOST_BASE, base);
        put(i, ADDEND, base + ram.slabOffset(pfn << PAGE_SHIFT) - page);
        empty = false;
        return i;
    }
}
