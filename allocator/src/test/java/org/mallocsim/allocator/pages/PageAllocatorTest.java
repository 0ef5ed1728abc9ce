package org.mallocsim.allocator.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;
import org.mallocsim.kernel.mm.SyscallKind;

/** Size classes, pages of one class, a heap per thread, empty pages returned, large objects mmapped. */
class PageAllocatorTest {
    private final AddressSpace space = new AddressSpace(KernelConfig.defaults());
    private final PageAllocator pages = new PageAllocator(space, Map.of());

    @AfterEach
    void theHeapChecksOut() {
        pages.checkHeap();
        space.checkConsistency();
    }

    @Test
    void everyRequestGetsTheSmallestClassThatHoldsItWastingAtMostAQuarter() {
        for (long n = 0; n <= PagesLayout.MAX_SMALL; n++) {
            int c = PagesLayout.sizeClass(n);
            long size = PagesLayout.classSize(c);
            assertThat(size).as("class of %d", n).isGreaterThanOrEqualTo(n);
            assertThat(c == 0 || PagesLayout.classSize(c - 1) < n)
                    .as("class of %d is the smallest", n)
                    .isTrue();
            assertThat(n <= 128 || size - n < n / 4 + 1).as("waste for %d", n).isTrue();
        }
        assertThat(PagesLayout.sizeClass(PagesLayout.MAX_SMALL)).isEqualTo(PagesLayout.CLASSES - 1);
    }

    @Test
    void objectsOfOneClassAreCarvedOneAfterAnotherFromOnePage() {
        long a = pages.malloc(24);
        long b = pages.malloc(20);
        long c = pages.malloc(100);
        assertThat(b).isEqualTo(a + 32);
        assertThat(a & (PagesLayout.PAGE_BYTES - 1))
                .as("the first object starts its page")
                .isZero();
        assertThat(c >>> 16).as("another class, another page").isNotEqualTo(a >>> 16);
        assertThat(pages.mallocUsableSize(c)).isEqualTo(112);
        pages.free(a);
        assertThat(pages.malloc(30))
                .as("the page's free list, last in first out")
                .isEqualTo(a);
    }

    @Test
    void aForkedChildGoesOnInTheForkingThreadsHeapAndTheOtherHeapsGoToTheMainOne() {
        pages.switchThread(100);
        long main = pages.malloc(24);
        pages.threadStarted(101, 100);
        pages.switchThread(101);
        long other = pages.malloc(24);
        pages.forked(101, 200);
        pages.switchThread(200);
        assertThat(pages.malloc(24))
                .as("the child carves on in thread 101's page")
                .isEqualTo(other + 32);
        pages.free(main);
        pages.free(other);
    }

    @Test
    void eachThreadAllocatesFromItsOwnPagesAndFreesGoHomeToTheOwningPage() {
        pages.switchThread(100);
        long main = pages.malloc(24);
        pages.threadStarted(101, 100);
        assertThat(pages.malloc(24)).as("the parent goes on in its own heap").isEqualTo(main + 32);
        pages.switchThread(101);
        long other = pages.malloc(24);
        assertThat(other >>> 16).as("thread 101's own page").isNotEqualTo(main >>> 16);
        pages.free(main); // thread 101 frees thread 100's object
        pages.switchThread(100);
        assertThat(pages.malloc(24)).as("back on its owner's free list").isEqualTo(main);
        pages.threadExited(101);
        pages.switchThread(100);
        pages.free(other);
        pages.checkHeap(); // thread 101's page now belongs to the main heap
    }

    @Test
    void aPageThatEmptiesBehindTheCurrentOneGoesBackToTheKernel() {
        long[] first = new long[64];
        for (int i = 0; i < 64; i++) {
            first[i] = pages.malloc(1024);
            space.store64(first[i], i);
        }
        pages.malloc(1024); // the first page is full: a second one becomes current
        long rss = space.rssPages();
        for (long p : first) {
            pages.free(p);
        }
        assertThat(space.syscallCount(SyscallKind.MADVISE)).isEqualTo(1);
        assertThat(space.rssPages()).isEqualTo(rss - 16);
        assertThat(pages.mallinfo2().ordblks()).as("pages in use").isEqualTo(1);
    }

    @Test
    void largeRequestsAreMmappedAndAlignedRequestsUsePowerOfTwoClasses() {
        long big = pages.malloc(10_000);
        assertThat(pages.mallinfo2().hblks()).isEqualTo(1);
        long aligned = pages.memalign(4096, 100);
        assertThat(aligned & 4095).isZero();
        assertThat(pages.mallocUsableSize(aligned)).isEqualTo(4096);
        pages.free(big);
        pages.free(aligned);
        assertThat(pages.mallinfo2().hblks()).isZero();
    }

    @Test
    void aPageDescriptorReadsBackAsDrawn() {
        assertThat(PagesLayout.HEAPS).isEqualTo(32 + 32 + 8 * 1024);
        assertThat(PagesLayout.HEAP_SIZE).isEqualTo(8 + 8 * 32);
        long a = pages.malloc(24);
        long b = pages.malloc(24);
        pages.free(a);
        long seg = a & -PagesLayout.SEGMENT;
        long desc = seg + PagesLayout.DESC_SIZE * ((a - seg) >>> PagesLayout.PAGE_SHIFT);
        assertThat(space.load64(desc + PagesLayout.BLOCK_SIZE)).isEqualTo(32);
        assertThat(space.load64(desc + PagesLayout.FREE)).isEqualTo(a);
        assertThat(space.load64(desc + PagesLayout.USED)).isEqualTo(1);
        assertThat(space.load64(desc + PagesLayout.CAPACITY)).isEqualTo(2);
        assertThat(space.load64(desc + PagesLayout.FLAGS)).isEqualTo(PagesLayout.IN_QUEUE);
        assertThat(space.load64(a + 8)).as("the free key").isEqualTo(a ^ PagesLayout.FREE_KEY);
        assertThat(b).isEqualTo(a + 32);
    }

    @Test
    void badPointersEndTheProcessWithTheDocumentedMessages() {
        long a = pages.malloc(24);
        pages.malloc(24);
        assertThatThrownBy(() -> pages.free(a + 16))
                .isInstanceOf(MallocAbort.class)
                .hasMessage("free(): invalid pointer");
        assertThatThrownBy(() -> pages.free(a + 4096))
                .as("past the page's carved objects")
                .hasMessage("free(): invalid pointer");
        pages.free(a);
        assertThatThrownBy(() -> pages.free(a)).hasMessage("free(): double free detected");
        assertThat(pages.mallocUsableSize(a)).isZero();
    }
}
