package org.mallocsim.kernel.paging;

import static org.mallocsim.kernel.Page.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.mallocsim.kernel.SegmentationFault;

/**
 * The {@link Mmu}'s accesses that do not hit: loads and stores that miss the TLB, are misaligned
 * or cross a page, and the bulk operations (memset, memmove, copies to and from the host), which
 * go page by page through the slab's {@link ByteBuffer} with its bounds checks. Each write that
 * reaches a watched range is told to its {@link WriteWatcher} once it is in memory. Kept apart so
 * the hit paths stay small; the TLB itself stays in the MMU ({@link Mmu#translate}).
 */
final class MmuSlowPath {
    private final Mmu mmu;
    private final ByteBuffer pattern =
            ByteBuffer.allocateDirect((int) PAGE_SIZE).order(ByteOrder.nativeOrder());
    private int patternByte;

    /** The watched range of {@link Mmu#watchWrites}, [watchStart, watchEnd); no watcher, no range. */
    private long watchStart;

    private long watchEnd;
    private WriteWatcher watcher;

    MmuSlowPath(Mmu mmu) {
        this.mmu = mmu;
    }

    /** memset: page by page in address order, so a fault leaves the earlier pages written. */
    void fill(long vaddr, int value, long length) {
        checkLength(length);
        if ((byte) value != (byte) patternByte) {
            patternByte = value;
            long word = (value & 0xffL) * 0x0101_0101_0101_0101L;
            for (int k = 0; k < PAGE_SIZE; k += 8) {
                pattern.putLong(k, word);
            }
        }
        while (length > 0) {
            int n = (int) Math.min(length, (int) PAGE_SIZE - (int) offsetInPage(vaddr));
            int i = mmu.translate(vaddr, true);
            mmu.hostAt(i).put(mmu.hostOffsetAt(i, vaddr), pattern, 0, n);
            written(vaddr, n);
            vaddr += n;
            length -= n;
        }
    }

    /** memmove between two virtual ranges: overlapping ranges copy as if through a temporary. */
    void copy(long dstVaddr, long srcVaddr, long length) {
        checkLength(length);
        boolean backward = dstVaddr != srcVaddr && Long.compareUnsigned(dstVaddr - srcVaddr, length) < 0;
        if (!backward) {
            while (length > 0) {
                int n = chunk(
                        length,
                        (int) PAGE_SIZE - (int) offsetInPage(srcVaddr),
                        (int) PAGE_SIZE - (int) offsetInPage(dstVaddr));
                copyChunk(dstVaddr, srcVaddr, n);
                dstVaddr += n;
                srcVaddr += n;
                length -= n;
            }
        } else {
            long dstEnd = dstVaddr + length;
            long srcEnd = srcVaddr + length;
            while (length > 0) {
                int n = chunk(length, (int) offsetInPage(srcEnd - 1) + 1, (int) offsetInPage(dstEnd - 1) + 1);
                dstEnd -= n;
                srcEnd -= n;
                copyChunk(dstEnd, srcEnd, n);
                length -= n;
            }
        }
    }

    /** Copies {@code length} bytes at {@code vaddr} into {@code dst}. */
    void read(long vaddr, byte[] dst, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, dst.length);
        while (length > 0) {
            int n = Math.min(length, (int) PAGE_SIZE - (int) offsetInPage(vaddr));
            int i = mmu.translate(vaddr, false);
            mmu.hostAt(i).get(mmu.hostOffsetAt(i, vaddr), dst, offset, n);
            vaddr += n;
            offset += n;
            length -= n;
        }
    }

    /** Copies {@code length} bytes of {@code src} to {@code vaddr}, page by page in address order. */
    void write(long vaddr, byte[] src, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, src.length);
        while (length > 0) {
            int n = Math.min(length, (int) PAGE_SIZE - (int) offsetInPage(vaddr));
            int i = mmu.translate(vaddr, true);
            mmu.hostAt(i).put(mmu.hostOffsetAt(i, vaddr), src, offset, n);
            written(vaddr, n);
            vaddr += n;
            offset += n;
            length -= n;
        }
    }

    /** A load that missed the TLB, is misaligned or crosses a page (then both pages are translated first). */
    long load(long vaddr, int size) {
        int inPage = (int) offsetInPage(vaddr);
        if (inPage + size <= PAGE_SIZE) {
            int i = mmu.translate(vaddr, false);
            ByteBuffer b = mmu.hostAt(i);
            int o = mmu.hostOffsetAt(i, vaddr);
            switch (size) {
                case 1:
                    return b.get(o) & 0xff;
                case 2:
                    return b.getShort(o) & 0xffff;
                case 4:
                    return b.getInt(o);
                default:
                    return b.getLong(o);
            }
        }
        long second = (vaddr & PAGE_MASK) + PAGE_SIZE;
        int n1 = (int) PAGE_SIZE - inPage;
        requireCanonical(second);
        for (; ; ) {
            int i1 = mmu.translate(vaddr, false);
            ByteBuffer b1 = mmu.hostAt(i1);
            int o1 = mmu.hostOffsetAt(i1, vaddr);
            long generation = mmu.flushGeneration();
            int i2 = mmu.translate(second, false);
            if (generation != mmu.flushGeneration()) {
                continue; // the fault on the second page flushed: the first translation may be stale
            }
            ByteBuffer b2 = mmu.hostAt(i2);
            int o2 = mmu.hostOffsetAt(i2, second);
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

    /** A store that missed; a page-crossing store writes nothing unless both pages allow it, as on x86. */
    void store(long vaddr, long value, int size) {
        int inPage = (int) offsetInPage(vaddr);
        if (inPage + size <= PAGE_SIZE) {
            int i = mmu.translate(vaddr, true);
            ByteBuffer b = mmu.hostAt(i);
            int o = mmu.hostOffsetAt(i, vaddr);
            switch (size) {
                case 1:
                    b.put(o, (byte) value);
                    break;
                case 2:
                    b.putShort(o, (short) value);
                    break;
                case 4:
                    b.putInt(o, (int) value);
                    break;
                default:
                    b.putLong(o, value);
                    break;
            }
            written(vaddr, size);
            return;
        }
        long second = (vaddr & PAGE_MASK) + PAGE_SIZE;
        int n1 = (int) PAGE_SIZE - inPage;
        requireCanonical(second);
        for (; ; ) {
            int i1 = mmu.translate(vaddr, true);
            ByteBuffer b1 = mmu.hostAt(i1);
            int o1 = mmu.hostOffsetAt(i1, vaddr);
            long generation = mmu.flushGeneration();
            int i2 = mmu.translate(second, true);
            if (generation != mmu.flushGeneration()) {
                continue;
            }
            ByteBuffer b2 = mmu.hostAt(i2);
            int o2 = mmu.hostOffsetAt(i2, second);
            for (int k = 0; k < n1; k++) {
                b1.put(o1 + k, (byte) (value >>> (k << 3)));
            }
            for (int k = n1; k < size; k++) {
                b2.put(o2 + k - n1, (byte) (value >>> (k << 3)));
            }
            written(vaddr, size);
            return;
        }
    }

    /** One chunk of {@link #copy} that stays inside one source and one destination page. */
    private void copyChunk(long dstVaddr, long srcVaddr, int n) {
        for (; ; ) {
            int is = mmu.translate(srcVaddr, false);
            ByteBuffer sb = mmu.hostAt(is);
            int so = mmu.hostOffsetAt(is, srcVaddr);
            long generation = mmu.flushGeneration();
            int id = mmu.translate(dstVaddr, true); // may evict the source entry: use the locals
            if (generation != mmu.flushGeneration()) {
                continue;
            }
            mmu.hostAt(id).put(mmu.hostOffsetAt(id, dstVaddr), sb, so, n);
            written(dstVaddr, n);
            return;
        }
    }

    /** Watches [start, end) for {@code w}, in place of any earlier watch ({@link Mmu#watchWrites}). */
    void watch(long start, long end, WriteWatcher w) {
        watchStart = start;
        watchEnd = end;
        watcher = w;
    }

    /** Whether {@code page} holds a byte of the watched range. */
    boolean watches(long page) {
        return reaches(page, PAGE_SIZE);
    }

    /** Tells the watcher of a write of [vaddr, vaddr + n) that reaches the watched range. */
    private void written(long vaddr, long n) {
        if (reaches(vaddr, n)) {
            watcher.written(vaddr, n);
        }
    }

    /** Whether [start, start + n) overlaps the watched range (false with no watcher). */
    private boolean reaches(long start, long n) {
        return watcher != null
                && Long.compareUnsigned(start, watchEnd) < 0
                && Long.compareUnsigned(watchStart, start + n) < 0;
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
     * An address whose bits 63..48 do not all copy bit 47 is refused by the CPU with #GP before any
     * page walk; the kernel sends SIGSEGV with SI_KERNEL and no address ({@code
     * exc_general_protection}, arch/x86/kernel/traps.c). An access that crosses from the top user
     * page into the hole does the same, whatever the first page holds.
     */
    static void requireCanonical(long vaddr) {
        if ((vaddr << 16) >> 16 != vaddr) {
            throw new SegmentationFault(0, SegmentationFault.SI_KERNEL);
        }
    }
}
