package org.mallocsim.allocator.buddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.kernel.Mman;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;
import org.mallocsim.kernel.mm.SyscallKind;

/** The buddy system splits regions into halves, merges buddies back, and rounds every block to a power of two. */
class BuddyTest {
    private final AddressSpace space = new AddressSpace(KernelConfig.defaults());
    private final long start = space.currentBrk();
    private final Buddy buddy = new Buddy(space, Map.of());

    @AfterEach
    void theHeapChecksOut() {
        buddy.checkHeap();
    }

    @Test
    void theFirstMallocSplitsARegionDownToItsOrderAndTheNextTakesTheBuddy() {
        long p = buddy.malloc(100);
        assertThat(p).isEqualTo(start + 16);
        assertThat(space.currentBrk()).isEqualTo(start + BuddyLayout.REGION);
        assertThat(buddy.mallinfo2().ordblks())
                .as("one free half of each order 7..19")
                .isEqualTo(13);
        assertThat(buddy.malloc(100)).as("p's buddy").isEqualTo(p + 128);
        assertThat(buddy.mallinfo2().ordblks()).isEqualTo(12);
    }

    @Test
    void freeingBothBuddiesMergesAllTheWayBackToTheRegion() {
        long p = buddy.malloc(100);
        long q = buddy.malloc(100);
        buddy.free(q);
        buddy.free(p);
        assertThat(buddy.mallinfo2().ordblks()).isEqualTo(1);
        assertThat(buddy.mallinfo2().fordblks()).isEqualTo(BuddyLayout.REGION);
    }

    @Test
    void aBlockWhoseBuddyIsSplitStaysUnmerged() {
        long a = buddy.malloc(100); // order 7 at the region's start
        long b = buddy.malloc(40); // order 6: the lower half of a's split buddy
        assertThat(b).isEqualTo(a + 128);
        long before = buddy.mallinfo2().ordblks();
        buddy.free(a);
        assertThat(buddy.mallinfo2().ordblks()).isEqualTo(before + 1);
        assertThat(buddy.malloc(100)).isEqualTo(a);
    }

    @Test
    void everyRequestGetsThePowerOfTwoThatHoldsItAndItsHeader() {
        for (long n = 0; n <= 1 << 18; n++) {
            int k = 5;
            while ((1L << k) < n + 16) {
                k++;
            }
            assertThat(BuddyLayout.orderFor(n)).as("order for %d", n).isEqualTo(k);
        }
        assertThat(buddy.mallocUsableSize(buddy.malloc(112))).isEqualTo(112);
        assertThat(buddy.mallocUsableSize(buddy.malloc(113))).isEqualTo(240);
        assertThat(buddy.mallocUsableSize(buddy.malloc(0))).isEqualTo(16);
    }

    @Test
    void aLargeMergedFreeBlockGivesItsPagesBackToTheKernel() {
        long p = buddy.malloc(100_000); // order 17
        space.fill(p, 1, 100_000);
        long rss = space.rssPages();
        buddy.free(p);
        assertThat(space.syscallCount(SyscallKind.MADVISE)).isEqualTo(1);
        // gone: pages 1..24 of the block, and the header pages of the free halves at 128, 256 and 512 KiB
        assertThat(space.rssPages())
                .as("only the first page of the region stays")
                .isEqualTo(rss - 24 - 3);
    }

    @Test
    void theStateAndTheBlocksReadBackAsDrawn() {
        assertThat(BuddyLayout.HEADS).isEqualTo(32 + 72);
        assertThat(BuddyLayout.STATE_SIZE).isEqualTo(32 + 72 + 8 * 16 + 8 * 256);
        long p = buddy.malloc(100);
        long q = buddy.malloc(100);
        buddy.free(q);
        assertThat(space.load64(p - 16 + BuddyLayout.SIZE)).as("128 | INUSE").isEqualTo(129);
        assertThat(space.load64(p - 16 + 128 + BuddyLayout.SIZE))
                .as("q, freed beside the live p: free, order 7")
                .isEqualTo(128);
        assertThat(space.load64(p - 16 + 128 + BuddyLayout.FD))
                .as("alone in the order-7 list")
                .isZero();
    }

    @Test
    void whenBrkIsBlockedRegionsComeFromMmapAlignedToTheirSize() {
        long blocker = start + 16 * 4096;
        assertThat(space.mmap(
                        blocker, 4096, Mman.PROT_READ, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0))
                .isEqualTo(blocker);
        long p = buddy.malloc(1000);
        assertThat((p - 16) & (BuddyLayout.REGION - 1))
                .as("the region's first block")
                .isZero();
        long q = buddy.malloc(1000);
        assertThat(q).isEqualTo(p + 1024);
        buddy.free(p);
        buddy.free(q);
        assertThat(buddy.mallinfo2().ordblks()).isEqualTo(1);
    }

    @Test
    void badPointersEndTheProcessWithTheDocumentedMessages() {
        long p = buddy.malloc(100);
        space.store64(p + 8, 0);
        assertThatThrownBy(() -> buddy.free(p + 16))
                .isInstanceOf(MallocAbort.class)
                .hasMessage("free(): invalid size");
        long page = space.mmap(0, 4096, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        assertThatThrownBy(() -> buddy.free(page + 16)).hasMessage("free(): invalid pointer");
        buddy.free(p);
        assertThatThrownBy(() -> buddy.free(p)).hasMessage("free(): double free detected");
        assertThat(buddy.mallocUsableSize(p)).isZero();
    }
}
