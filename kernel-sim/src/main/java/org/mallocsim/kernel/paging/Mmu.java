package org.mallocsim.kernel.paging;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Loads and stores by virtual address through a software TLB in the manner of QEMU's softmmu
 * (accel/tcg/cputlb.c): a direct-mapped table indexed by virtual page number, with separate read
 * and write tags, holding the slab and offset of the frame. A miss walks the {@link PageTable};
 * a missing or insufficient translation goes to the {@link FaultHandler}, then the access is retried.
 * Accessed and dirty bits are set in the PTE as the hardware does.
 *
 * <pre>
 *  TLB_SIZE = 1024 entries; entry i = (vaddr >>> 12) &amp; (TLB_SIZE - 1) is 4 longs of tlb[],
 *  at e = i &lt;&lt; 2 = (vaddr >>> 10) &amp; (1023 &lt;&lt; 2), like QEMU's 32-byte CPUTLBEntry:
 *
 *           e + READ      e + WRITE     e + ADDEND                        e + 3
 *         +-------------+-------------+---------------------------------+---------+
 *  tlb[]  | page va     | page va     | slabOffset(frame) - (int) page  | (spare) |
 *         | or -1       | or -1       |                                 |         |
 *         +-------------+-------------+---------------------------------+---------+
 *  host[i] = the slab (direct ByteBuffer) holding the frame
 *
 *  hit for an access of size s:  tlb[e + READ or WRITE] == (vaddr &amp; (PAGE_MASK | (s - 1)))
 *                                (a misaligned vaddr keeps low bits, so it never matches)
 *  host byte:                    host[i].get((int) vaddr + (int) tlb[e + ADDEND])
 *  WRITE = -1 on a valid READ: a read-only page, or a writable page still clean
 * </pre>
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
 * Hit counting costs one increment per access; {@code -Dmallocsim.mmu.countHits=false} removes it.
 * Not thread-safe: one emulated CPU.
 */
public final class Mmu {
    /** log2 of the TLB entries. */
    public static final int TLB_BITS = 10;
    /** TLB entries: 1024 pages = 4 MiB of reach, four times QEMU's default 256. */
    public static final int TLB_SIZE = 1 << TLB_BITS;
    /** Ranges of more pages are flushed whole ({@code tlb_single_page_flush_ceiling}, arch/x86/mm/tlb.c). */
    public static final int FLUSH_CEILING = 33;

    static final boolean COUNT_HITS = !"false".equals(System.getProperty("mallocsim.mmu.countHits"));

    /** log2 of the longs per entry: read tag, write tag, addend, and a spare (QEMU's addr_code). */
    static final int ENTRY_BITS = 2;
    static final int ENTRY_LONGS = 1 << ENTRY_BITS;
    static final int READ = 0;
    static final int WRITE = 1;
    static final int ADDEND = 2;
    /** The entry offset is {@code (vaddr >>> ENTRY_SHIFT) & ENTRY_MASK}: index and scale in one shift, as QEMU's TCG does. */
    private static final int ENTRY_SHIFT = 12 - ENTRY_BITS;
    private static final int ENTRY_MASK = (TLB_SIZE - 1) << ENTRY_BITS;
    private static final int PAGE_SHIFT = 12;
    private static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    private static final long PAGE_MASK = -1L << PAGE_SHIFT;
    private static final int OFFSET_MASK = PAGE_SIZE - 1;
    private static final long INVALID = -1;
    /** A handler that returns this often without making the page usable has a bug; x86 would loop. */
    private static final int MAX_FAULTS_PER_ACCESS = 4;

    private final PhysicalMemory ram;
    private final PageTable pageTable;
    private final FaultHandler faultHandler;

    /** Entries of {@link #ENTRY_LONGS} longs, QEMU's {@code CPUTLBEntry}: one cache line holds two. */
    private final long[] tlb = new long[TLB_SIZE << ENTRY_BITS];
    private final ByteBuffer[] host = new ByteBuffer[TLB_SIZE];

    private long hits;
    private long misses;
    private long faults;
    /** Bumped by every flush: a two-page operation re-translates if a fault in between flushed. */
    private long flushGeneration;
    private boolean empty;
    private final ByteBuffer pattern = ByteBuffer.allocateDirect(PAGE_SIZE).order(ByteOrder.nativeOrder());
    private int patternByte;

    /** An MMU with an empty TLB in front of {@code pageTable}. */
    public Mmu(PhysicalMemory ram, PageTable pageTable, FaultHandler faultHandler) {
        this.ram = ram;
        this.pageTable = pageTable;
        this.faultHandler = faultHandler;
        flushAll();
    }

    /** The byte at {@code vaddr}, zero-extended. */
    public int load8(long vaddr) {
        int e = (int) (vaddr >>> ENTRY_SHIFT) & ENTRY_MASK;
        if (tlb[e + READ] == (vaddr & PAGE_MASK)) {
            if (COUNT_HITS) hits++;
            return host[e >>> ENTRY_BITS].get((int) vaddr + (int) tlb[e + ADDEND]) & 0xff;
        }
        return (int) loadSlow(vaddr, 1);
    }

    /** The little-endian 16 bits at {@code vaddr}, zero-extended. */
    public int load16(long vaddr) {
        int e = (int) (vaddr >>> ENTRY_SHIFT) & ENTRY_MASK;
        if (tlb[e + READ] == (vaddr & (PAGE_MASK | 1))) {
            if (COUNT_HITS) hits++;
            return host[e >>> ENTRY_BITS].getShort((int) vaddr + (int) tlb[e + ADDEND]) & 0xffff;
        }
        return (int) loadSlow(vaddr, 2);
    }

    /** The little-endian 32 bits at {@code vaddr}. */
    public int load32(long vaddr) {
        int e = (int) (vaddr >>> ENTRY_SHIFT) & ENTRY_MASK;
        if (tlb[e + READ] == (vaddr & (PAGE_MASK | 3))) {
            if (COUNT_HITS) hits++;
            return host[e >>> ENTRY_BITS].getInt((int) vaddr + (int) tlb[e + ADDEND]);
        }
        return (int) loadSlow(vaddr, 4);
    }

    /** The little-endian 64 bits at {@code vaddr}. */
    public long load64(long vaddr) {
        int e = (int) (vaddr >>> ENTRY_SHIFT) & ENTRY_MASK;
        if (tlb[e + READ] == (vaddr & (PAGE_MASK | 7))) {
            if (COUNT_HITS) hits++;
            return host[e >>> ENTRY_BITS].getLong((int) vaddr + (int) tlb[e + ADDEND]);
        }
        return loadSlow(vaddr, 8);
    }

    /** Stores the low 8 bits of {@code value}. */
    public void store8(long vaddr, int value) {
        int e = (int) (vaddr >>> ENTRY_SHIFT) & ENTRY_MASK;
        if (tlb[e + WRITE] == (vaddr & PAGE_MASK)) {
            if (COUNT_HITS) hits++;
            host[e >>> ENTRY_BITS].put((int) vaddr + (int) tlb[e + ADDEND], (byte) value);
            return;
        }
        storeSlow(vaddr, value, 1);
    }

    /** Stores the low 16 bits of {@code value}, little-endian. */
    public void store16(long vaddr, int value) {
        int e = (int) (vaddr >>> ENTRY_SHIFT) & ENTRY_MASK;
        if (tlb[e + WRITE] == (vaddr & (PAGE_MASK | 1))) {
            if (COUNT_HITS) hits++;
            host[e >>> ENTRY_BITS].putShort((int) vaddr + (int) tlb[e + ADDEND], (short) value);
            return;
        }
        storeSlow(vaddr, value, 2);
    }

    /** Stores {@code value}, little-endian. */
    public void store32(long vaddr, int value) {
        int e = (int) (vaddr >>> ENTRY_SHIFT) & ENTRY_MASK;
        if (tlb[e + WRITE] == (vaddr & (PAGE_MASK | 3))) {
            if (COUNT_HITS) hits++;
            host[e >>> ENTRY_BITS].putInt((int) vaddr + (int) tlb[e + ADDEND], value);
            return;
        }
        storeSlow(vaddr, value, 4);
    }

    /** Stores {@code value}, little-endian. */
    public void store64(long vaddr, long value) {
        int e = (int) (vaddr >>> ENTRY_SHIFT) & ENTRY_MASK;
        if (tlb[e + WRITE] == (vaddr & (PAGE_MASK | 7))) {
            if (COUNT_HITS) hits++;
            host[e >>> ENTRY_BITS].putLong((int) vaddr + (int) tlb[e + ADDEND], value);
            return;
        }
        storeSlow(vaddr, value, 8);
    }

    /** memset: page by page in address order, so a fault leaves the earlier pages written. */
    public void fill(long vaddr, int value, long length) {
        checkLength(length);
        if ((byte) value != (byte) patternByte) {
            patternByte = value;
            long word = (value & 0xffL) * 0x0101_0101_0101_0101L;
            for (int k = 0; k < PAGE_SIZE; k += 8) {
                pattern.putLong(k, word);
            }
        }
        while (length > 0) {
            int n = (int) Math.min(length, PAGE_SIZE - ((int) vaddr & OFFSET_MASK));
            int e = translate(vaddr, true);
            host[e >>> ENTRY_BITS].put((int) vaddr + (int) tlb[e + ADDEND], pattern, 0, n);
            vaddr += n;
            length -= n;
        }
    }

    /** memmove between two virtual ranges: overlapping ranges copy as if through a temporary. */
    public void copy(long dstVaddr, long srcVaddr, long length) {
        checkLength(length);
        boolean backward = dstVaddr != srcVaddr && Long.compareUnsigned(dstVaddr - srcVaddr, length) < 0;
        if (!backward) {
            while (length > 0) {
                int n = chunk(length, PAGE_SIZE - ((int) srcVaddr & OFFSET_MASK), PAGE_SIZE - ((int) dstVaddr & OFFSET_MASK));
                copyChunk(dstVaddr, srcVaddr, n);
                dstVaddr += n;
                srcVaddr += n;
                length -= n;
            }
        } else {
            long dstEnd = dstVaddr + length;
            long srcEnd = srcVaddr + length;
            while (length > 0) {
                int n = chunk(length, (((int) srcEnd - 1) & OFFSET_MASK) + 1, (((int) dstEnd - 1) & OFFSET_MASK) + 1);
                dstEnd -= n;
                srcEnd -= n;
                copyChunk(dstEnd, srcEnd, n);
                length -= n;
            }
        }
    }

    /** Copies {@code length} bytes at {@code vaddr} into {@code dst}. */
    public void read(long vaddr, byte[] dst, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, dst.length);
        while (length > 0) {
            int n = Math.min(length, PAGE_SIZE - ((int) vaddr & OFFSET_MASK));
            int i = translate(vaddr, false);
            host[i >>> ENTRY_BITS].get((int) vaddr + (int) tlb[i + ADDEND], dst, offset, n);
            vaddr += n;
            offset += n;
            length -= n;
        }
    }

    /** Copies {@code length} bytes of {@code src} to {@code vaddr}, page by page in address order. */
    public void write(long vaddr, byte[] src, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, src.length);
        while (length > 0) {
            int n = Math.min(length, PAGE_SIZE - ((int) vaddr & OFFSET_MASK));
            int e = translate(vaddr, true);
            host[e >>> ENTRY_BITS].put((int) vaddr + (int) tlb[e + ADDEND], src, offset, n);
            vaddr += n;
            offset += n;
            length -= n;
        }
    }

    /** Invalidates every TLB entry ({@code flush_tlb_mm}); QEMU's memset(-1) of the table. */
    public void flushAll() {
        Arrays.fill(tlb, INVALID);
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
            int e = ((int) p & (TLB_SIZE - 1)) << ENTRY_BITS;
            long page = p << PAGE_SHIFT;
            if (tlb[e + READ] == page) {
                tlb[e + READ] = INVALID;
            }
            if (tlb[e + WRITE] == page) {
                tlb[e + WRITE] = INVALID;
            }
        }
    }

    /** Accesses whose page was found in the TLB (0 with {@code -Dmallocsim.mmu.countHits=false}). */
    public long tlbHits() {
        return hits;
    }

    /** Lookups that walked the page table (TLB fills, including those that faulted first). */
    public long tlbMisses() {
        return misses;
    }

    /** Calls made to the fault handler. */
    public long pageFaults() {
        return faults;
    }

    /** The read tag of TLB entry {@code i}: a page address or -1 (for tests of the layout). */
    long readTagAt(int i) {
        return tlb[(i << ENTRY_BITS) + READ];
    }

    /** The write tag of TLB entry {@code i}: a page address or -1. */
    long writeTagAt(int i) {
        return tlb[(i << ENTRY_BITS) + WRITE];
    }

    /** The slab offset TLB entry {@code i} gives for {@code vaddr}. */
    int hostOffsetAt(int i, long vaddr) {
        return (int) vaddr + (int) tlb[(i << ENTRY_BITS) + ADDEND];
    }

    /** The slab TLB entry {@code i} points into. */
    ByteBuffer hostAt(int i) {
        return host[i];
    }

    // ---- slow path -----------------------------------------------------------------------------

    private long loadSlow(long vaddr, int size) {
        int inPage = (int) vaddr & OFFSET_MASK;
        if (inPage + size <= PAGE_SIZE) {
            int i = translate(vaddr, false);
            ByteBuffer b = host[i >>> ENTRY_BITS];
            int o = (int) vaddr + (int) tlb[i + ADDEND];
            switch (size) {
                case 1: return b.get(o) & 0xff;
                case 2: return b.getShort(o) & 0xffff;
                case 4: return b.getInt(o);
                default: return b.getLong(o);
            }
        }
        long second = (vaddr & PAGE_MASK) + PAGE_SIZE;
        int n1 = PAGE_SIZE - inPage;
        for (;;) {
            int i1 = translate(vaddr, false);
            ByteBuffer b1 = host[i1 >>> ENTRY_BITS];
            int o1 = (int) vaddr + (int) tlb[i1 + ADDEND];
            long generation = flushGeneration;
            int i2 = translate(second, false);
            if (generation != flushGeneration) {
                continue; // the fault on the second page flushed: the first translation may be stale
            }
            ByteBuffer b2 = host[i2 >>> ENTRY_BITS];
            int o2 = (int) second + (int) tlb[i2 + ADDEND];
            long v = 0;
            for (int k = size - 1; k >= n1; k--) {
                v = (v << 8) | (b2.get(o2 + k - n1) & 0xff);
            }
            for (int k = n1 - 1; k >= 0; k--) {
                v = (v << 8) | (b1.get(o1 + k) & 0xff);
            }
            return v;
        }
    }

    private void storeSlow(long vaddr, long value, int size) {
        int inPage = (int) vaddr & OFFSET_MASK;
        if (inPage + size <= PAGE_SIZE) {
            int i = translate(vaddr, true);
            ByteBuffer b = host[i >>> ENTRY_BITS];
            int o = (int) vaddr + (int) tlb[i + ADDEND];
            switch (size) {
                case 1: b.put(o, (byte) value); break;
                case 2: b.putShort(o, (short) value); break;
                case 4: b.putInt(o, (int) value); break;
                default: b.putLong(o, value); break;
            }
            return;
        }
        long second = (vaddr & PAGE_MASK) + PAGE_SIZE;
        int n1 = PAGE_SIZE - inPage;
        for (;;) {
            int i1 = translate(vaddr, true);
            ByteBuffer b1 = host[i1 >>> ENTRY_BITS];
            int o1 = (int) vaddr + (int) tlb[i1 + ADDEND];
            long generation = flushGeneration;
            int i2 = translate(second, true);
            if (generation != flushGeneration) {
                continue;
            }
            ByteBuffer b2 = host[i2 >>> ENTRY_BITS];
            int o2 = (int) second + (int) tlb[i2 + ADDEND];
            for (int k = 0; k < n1; k++) {
                b1.put(o1 + k, (byte) (value >>> (k << 3)));
            }
            for (int k = n1; k < size; k++) {
                b2.put(o2 + k - n1, (byte) (value >>> (k << 3)));
            }
            return;
        }
    }

    /** One chunk of {@link #copy} that stays inside one source and one destination page. */
    private void copyChunk(long dstVaddr, long srcVaddr, int n) {
        for (;;) {
            int is = translate(srcVaddr, false);
            ByteBuffer sb = host[is >>> ENTRY_BITS];
            int so = (int) srcVaddr + (int) tlb[is + ADDEND];
            long generation = flushGeneration;
            int id = translate(dstVaddr, true); // may evict the source entry: use the locals
            if (generation != flushGeneration) {
                continue;
            }
            host[id >>> ENTRY_BITS].put((int) dstVaddr + (int) tlb[id + ADDEND], sb, so, n);
            return;
        }
    }

    private static int chunk(long length, int a, int b) {
        return (int) Math.min(length, Math.min(a, b));
    }

    private static void checkLength(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
    }

    /**
     * The TLB entry offset (into {@code tlb}) holding a translation of {@code vaddr}'s page usable for the access, after a
     * walk and any faults; {@code vaddr} is the first byte accessed in that page, the address a
     * fault reports (CR2).
     */
    private int translate(long vaddr, boolean write) {
        int e = (int) (vaddr >>> ENTRY_SHIFT) & ENTRY_MASK;
        if (tlb[e + (write ? WRITE : READ)] == (vaddr & PAGE_MASK)) {
            if (COUNT_HITS) hits++;
            return e;
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
        for (int attempt = 0; ; attempt++) {
            long slot = pageTable.walk(vaddr);
            long pte = slot < 0 ? 0 : ram.getLong(slot);
            if ((pte & (Pte.PRESENT | Pte.USER)) == (Pte.PRESENT | Pte.USER) && (!write || (pte & Pte.RW) != 0)) {
                return install(vaddr, slot, pte, write);
            }
            if (attempt == MAX_FAULTS_PER_ACCESS) {
                throw new IllegalStateException("the fault handler returned " + attempt + " times without mapping 0x"
                        + Long.toHexString(vaddr) + " for " + (write ? "write" : "read") + ": " + Pte.toString(pte));
            }
            faults++;
            int errorCode = FaultHandler.PF_USER
                    | (write ? FaultHandler.PF_WRITE : 0)
                    | ((pte & Pte.PRESENT) != 0 ? FaultHandler.PF_PROT : 0);
            faultHandler.handlePageFault(vaddr, errorCode);
        }
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
        int e = (int) (vaddr >>> ENTRY_SHIFT) & ENTRY_MASK;
        tlb[e + READ] = page;
        tlb[e + WRITE] = (pte & (Pte.RW | Pte.DIRTY)) == (Pte.RW | Pte.DIRTY) ? page : INVALID;
        tlb[e + ADDEND] = ram.slabOffset(pfn << PAGE_SHIFT) - (int) page;
        host[e >>> ENTRY_BITS] = ram.slab(pfn);
        empty = false;
        return e;
    }
}
