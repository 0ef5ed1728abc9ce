package org.mallocsim.allocator.buddy;

import static org.mallocsim.allocator.buddy.BuddyLayout.BK;
import static org.mallocsim.allocator.buddy.BuddyLayout.BRK_REGIONS;
import static org.mallocsim.allocator.buddy.BuddyLayout.FD;
import static org.mallocsim.allocator.buddy.BuddyLayout.FLAGS;
import static org.mallocsim.allocator.buddy.BuddyLayout.FREE_BLOCKS;
import static org.mallocsim.allocator.buddy.BuddyLayout.FREE_BYTES;
import static org.mallocsim.allocator.buddy.BuddyLayout.HEAP_START;
import static org.mallocsim.allocator.buddy.BuddyLayout.INUSE;
import static org.mallocsim.allocator.buddy.BuddyLayout.IN_USE_BLOCKS;
import static org.mallocsim.allocator.buddy.BuddyLayout.IN_USE_BYTES;
import static org.mallocsim.allocator.buddy.BuddyLayout.MAX_MMAP_REGIONS;
import static org.mallocsim.allocator.buddy.BuddyLayout.MAX_ORDER;
import static org.mallocsim.allocator.buddy.BuddyLayout.MEM;
import static org.mallocsim.allocator.buddy.BuddyLayout.MIN_ORDER;
import static org.mallocsim.allocator.buddy.BuddyLayout.MMAP_REGIONS;
import static org.mallocsim.allocator.buddy.BuddyLayout.NONCONTIGUOUS;
import static org.mallocsim.allocator.buddy.BuddyLayout.REGION;
import static org.mallocsim.allocator.buddy.BuddyLayout.REGIONS;
import static org.mallocsim.allocator.buddy.BuddyLayout.SIZE;
import static org.mallocsim.allocator.buddy.BuddyLayout.SYSTEM_BYTES;
import static org.mallocsim.allocator.buddy.BuddyLayout.headOffset;
import static org.mallocsim.allocator.buddy.BuddyLayout.orderFor;

import java.util.Map;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.allocator.common.PolicyAllocator;
import org.mallocsim.kernel.Mman;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * The binary buddy system (Knowlton 1965; Knuth, TAOCP vol. 1, section 2.5, algorithms R and S;
 * Wilson, Johnstone, Neely and Boles 1995, section 3.6): 1 MiB regions (from brk, else 1 MiB-aligned
 * mmap regions) split in halves down to the request's power of two, a free list per order, and on
 * free a merge with the buddy for as long as the buddy is free and whole. A merged free block of
 * {@value #DONTNEED_MIN} bytes or more gives its pages but the first back with MADV_DONTNEED, so
 * freed memory leaves the RSS without leaving the heap. Blocks are described in {@link BuddyLayout}.
 *
 * <p>Bad input (each a {@link MallocAbort}): a pointer outside every region, or not at a block's
 * user data ({@code "<call>(): invalid pointer"}), a header that is not a power of two between 32
 * bytes and 1 MiB ({@code "<call>(): invalid size"}), a block already free
 * ({@code "<call>(): double free detected"}). The buddy's header is always a real block's (a
 * block's buddy can never lie inside another live block), so merging never trusts user data.
 */
public final class Buddy extends PolicyAllocator {
    /** Merged free blocks at least this large return their pages to the kernel. */
    public static final long DONTNEED_MIN = 64 * 1024;

    private static final String MALLOC_USABLE_SIZE = "malloc_usable_size";

    /** A buddy heap for a process that has made no allocator call; options are ignored. */
    public Buddy(AddressSpace space, Map<String, String> options) {
        super(space, BuddyLayout.STATE_SIZE);
    }

    @Override
    protected String name() {
        return "buddy";
    }

    @Override
    protected long allocate(long req) {
        int k = orderFor(req);
        int j = k;
        while (j <= MAX_ORDER && load(headOffset(j)) == 0) {
            j++;
        }
        if (j > MAX_ORDER) {
            if (!grow()) {
                return 0;
            }
            j = MAX_ORDER;
        }
        long b = load(headOffset(j));
        unlink(b, j);
        add(FREE_BLOCKS, -1);
        add(FREE_BYTES, -(1L << j));
        while (j > k) { // Knuth's algorithm R, step R4: split, the upper half goes free
            j--;
            long half = b + (1L << j);
            space.store64(half + SIZE, 1L << j);
            push(half, j);
            add(FREE_BLOCKS, 1);
            add(FREE_BYTES, 1L << j);
        }
        space.store64(b + SIZE, (1L << k) | INUSE);
        add(IN_USE_BLOCKS, 1);
        add(IN_USE_BYTES, 1L << k);
        return b + MEM;
    }

    /** Knuth's algorithm S: merge with the buddy while it is free and of the same order. */
    @Override
    protected void release(long p, String call) {
        long b = p - MEM;
        long size = checked(b, call, false);
        add(IN_USE_BLOCKS, -1);
        add(IN_USE_BYTES, -size);
        long base = regionBase(b);
        int k = Long.numberOfTrailingZeros(size);
        while (k < MAX_ORDER) {
            long buddy = base + ((b - base) ^ (1L << k));
            if (space.load64(buddy + SIZE) != (1L << k)) {
                break;
            }
            unlink(buddy, k);
            add(FREE_BLOCKS, -1);
            add(FREE_BYTES, -(1L << k));
            b = Math.min(b, buddy);
            k++;
        }
        space.store64(b + SIZE, 1L << k);
        push(b, k);
        add(FREE_BLOCKS, 1);
        add(FREE_BYTES, 1L << k);
        if ((1L << k) >= DONTNEED_MIN) {
            space.madvise(b + PAGE, (1L << k) - PAGE, Mman.MADV_DONTNEED);
        }
    }

    @Override
    protected long usable(long p, String call) {
        long size = checked(p - MEM, call, MALLOC_USABLE_SIZE.equals(call));
        return size == 0 ? 0 : size - MEM;
    }

    /** A realloc within the block's order keeps it. */
    @Override
    protected boolean resizeInPlace(long p, long size) {
        return orderFor(size) == Long.numberOfTrailingZeros(space.load64(p - MEM + SIZE) & ~INUSE);
    }

    /** The size of the live block at {@code b}, after the documented checks; 0 for a free one when {@code freeIsZero}. */
    private long checked(long b, String call, boolean freeIsZero) {
        if (!inRegion(b)) {
            throw new MallocAbort(call + "(): invalid pointer");
        }
        long word = space.load64(b + SIZE);
        long size = word & ~INUSE;
        if (Long.bitCount(size) != 1
                || size < (1L << MIN_ORDER)
                || size > REGION
                || ((b - regionBase(b)) & (size - 1)) != 0) {
            throw new MallocAbort(call + "(): invalid size");
        }
        if ((word & INUSE) == 0) {
            if (freeIsZero) {
                return 0;
            }
            throw new MallocAbort(call + "(): double free detected");
        }
        return size;
    }

    private boolean inRegion(long b) {
        long start = load(HEAP_START);
        if (start != 0 && b >= start && b < start + load(BRK_REGIONS) * REGION) {
            return true;
        }
        long base = b & -REGION;
        for (int i = 0; i < load(MMAP_REGIONS); i++) {
            if (load(REGIONS + 8 * i) == base) {
                return true;
            }
        }
        return false;
    }

    private long regionBase(long b) {
        long start = load(HEAP_START);
        if (start != 0 && b >= start && b < start + load(BRK_REGIONS) * REGION) {
            return start + ((b - start) & -REGION);
        }
        return b & -REGION;
    }

    /** Adds a free 1 MiB region: the next one above the break, else an aligned mmapped one. */
    private boolean grow() {
        long region = 0;
        if ((load(FLAGS) & NONCONTIGUOUS) == 0) {
            long brk = space.currentBrk();
            long start = load(HEAP_START);
            boolean first = start == 0;
            if (first) {
                start = (brk + PAGE - 1) & -PAGE;
            }
            long end = start + (load(BRK_REGIONS) + 1) * REGION;
            if ((first || brk == end - REGION) && space.brk(end) == end) {
                store(HEAP_START, start);
                add(BRK_REGIONS, 1);
                add(SYSTEM_BYTES, end - brk);
                region = end - REGION;
            } else {
                store(FLAGS, load(FLAGS) | NONCONTIGUOUS);
            }
        }
        if (region == 0) {
            if (load(MMAP_REGIONS) == MAX_MMAP_REGIONS) {
                return false;
            }
            long r = mapPages(2 * REGION);
            if (r == 0) {
                return false;
            }
            region = (r + REGION - 1) & -REGION;
            if (region > r) {
                space.munmap(r, region - r);
            }
            space.munmap(region + REGION, r + 2 * REGION - region - REGION);
            store(REGIONS + 8 * (int) load(MMAP_REGIONS), region);
            add(MMAP_REGIONS, 1);
            add(SYSTEM_BYTES, REGION);
        }
        space.store64(region + SIZE, REGION);
        push(region, MAX_ORDER);
        add(FREE_BLOCKS, 1);
        add(FREE_BYTES, REGION);
        return true;
    }

    private void push(long b, int k) {
        long head = load(headOffset(k));
        space.store64(b + FD, head);
        space.store64(b + BK, 0);
        if (head != 0) {
            space.store64(head + BK, b);
        }
        store(headOffset(k), b);
    }

    private void unlink(long b, int k) {
        long fd = space.load64(b + FD);
        long bk = space.load64(b + BK);
        if (bk == 0) {
            store(headOffset(k), fd);
        } else {
            space.store64(bk + FD, fd);
        }
        if (fd != 0) {
            space.store64(fd + BK, bk);
        }
    }

    @Override
    protected long[] heapInfo() {
        long system = load(SYSTEM_BYTES);
        return new long[] {system, load(FREE_BLOCKS), load(IN_USE_BYTES), system - load(IN_USE_BYTES), 0};
    }

    /** Walks every region block by block, then every free list. */
    @Override
    protected void checkPolicyHeap() {
        long[] totals = new long[4];
        for (int i = 0; i < load(BRK_REGIONS); i++) {
            walk(load(HEAP_START) + i * REGION, totals);
        }
        for (int i = 0; i < load(MMAP_REGIONS); i++) {
            walk(load(REGIONS + 8 * i), totals);
        }
        expect(totals[0] == load(IN_USE_BLOCKS) && totals[1] == load(IN_USE_BYTES), "in-use counters", 0);
        expect(totals[2] == load(FREE_BLOCKS) && totals[3] == load(FREE_BYTES), "free counters", 0);
        long listed = 0;
        for (int k = MIN_ORDER; k <= MAX_ORDER; k++) {
            long prev = 0;
            for (long b = load(headOffset(k)); b != 0; b = space.load64(b + FD)) {
                expect(inRegion(b) && space.load64(b + SIZE) == (1L << k), "free block of order " + k, b);
                expect(space.load64(b + BK) == prev, "bk link", b);
                prev = b;
                listed++;
            }
        }
        expect(listed == totals[2], "every free block listed once", 0);
    }

    private void walk(long base, long[] totals) {
        long b = base;
        while (b < base + REGION) {
            long word = space.load64(b + SIZE);
            long size = word & ~INUSE;
            expect(Long.bitCount(size) == 1 && size >= 32 && ((b - base) & (size - 1)) == 0, "block size", b);
            if ((word & INUSE) != 0) {
                totals[0]++;
                totals[1] += size;
            } else {
                long buddy = base + ((b - base) ^ size);
                expect(size == REGION || space.load64(buddy + SIZE) != size, "two free buddies unmerged", b);
                totals[2]++;
                totals[3] += size;
            }
            b += size;
        }
    }

    private void expect(boolean ok, String what, long address) {
        if (!ok) {
            throw new IllegalStateException("buddy: " + what + " broken at 0x" + Long.toHexString(address));
        }
    }
}
