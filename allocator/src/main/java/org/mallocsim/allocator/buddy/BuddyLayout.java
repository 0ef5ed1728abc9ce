package org.mallocsim.allocator.buddy;

import org.mallocsim.allocator.common.PolicyLayout;

/**
 * The binary buddy allocator's bytes: its state (after {@link PolicyLayout}'s fields) and its
 * blocks. A block of order k is 2^k bytes at an offset from its region's base that is a multiple
 * of 2^k; its buddy is the block at that offset XOR 2^k (Knuth, TAOCP vol. 1, 2.5; Wilson et al.
 * 1995, section 3.6, "binary buddy").
 *
 * <pre>
 * state (from PolicyLayout.SUBCLASS)              block b of order k (size 2^k, 32..1 MiB)
 *  offset  field                                    offset  field
 *    +0    heapStart    first brk region              0     unused (keeps user data 16-aligned)
 *    +8    brkRegions   regions carved from brk       8     2^k | INUSE (0x1)   bits 1..4 clear
 *   +16    flags        bit 0: brk failed            16     user data (p = b + 16) ... b + 2^k
 *   +24    systemBytes                               16     fd  next free block of order k  (free)
 *   +32    inUseBytes   sizes of live blocks         24     bk  previous free block         (free)
 *   +40    inUseBlocks
 *   +48    freeBytes
 *   +56    freeBlocks
 *   +64    mmapRegions  entries in the table below
 *   +72    heads[MIN_ORDER..MAX_ORDER]  free list per order
 *   +72 + 8 * ORDERS    regions[MAX_MMAP_REGIONS]  bases of 1 MiB-aligned mmapped regions
 * </pre>
 */
final class BuddyLayout {
    private BuddyLayout() {}

    static final int MIN_ORDER = 5;
    static final int MAX_ORDER = 20;
    static final int ORDERS = MAX_ORDER - MIN_ORDER + 1;
    static final long REGION = 1L << MAX_ORDER;
    static final int MAX_MMAP_REGIONS = 256;

    static final int HEAP_START = PolicyLayout.SUBCLASS;
    static final int BRK_REGIONS = HEAP_START + 8;
    static final int FLAGS = BRK_REGIONS + 8;
    static final int SYSTEM_BYTES = FLAGS + 8;
    static final int IN_USE_BYTES = SYSTEM_BYTES + 8;
    static final int IN_USE_BLOCKS = IN_USE_BYTES + 8;
    static final int FREE_BYTES = IN_USE_BLOCKS + 8;
    static final int FREE_BLOCKS = FREE_BYTES + 8;
    static final int MMAP_REGIONS = FREE_BLOCKS + 8;
    static final int HEADS = MMAP_REGIONS + 8;
    static final int REGIONS = HEADS + 8 * ORDERS;
    static final int STATE_SIZE = REGIONS + 8 * MAX_MMAP_REGIONS;

    static final long NONCONTIGUOUS = 1;
    static final long INUSE = 1;
    static final int SIZE = 8;
    static final int MEM = 16;
    static final int FD = 16;
    static final int BK = 24;

    static int headOffset(int order) {
        return HEADS + 8 * (order - MIN_ORDER);
    }

    /** The order of the block serving {@code req} bytes: the header's 16 bytes included, at least 32. */
    static int orderFor(long req) {
        long need = req + MEM;
        return Math.max(MIN_ORDER, 64 - Long.numberOfLeadingZeros(need - 1));
    }
}
