package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;

/**
 * glibc's malloc/tst-malloc_info.c (glibc-2.36), on one thread: a linked list of 48-byte nodes is
 * built, malloc_info (0, ...) is printed, the list is freed and malloc_info printed again. glibc's
 * test runs four threads of 128 MiB each and only checks that printing works; the emulation's
 * {@link Allocator} runs on one thread, so this port builds 4 MiB on the main thread and compares
 * both documents whole with what glibc 2.36-9+deb12u14 printed for the same program (malloc_info
 * to unbuffered stderr, so stdio allocates nothing) on the reference machine.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstMallocInfoTest {
    static final long PER_THREAD_ALLOCATIONS = 4L * 1024 * 1024;
    /** {@code sizeof (struct list)}: a next pointer and four longs. */
    static final long NODE = 40;

    static final String AFTER_ALLOCATION = """
            <malloc version="1">
            <heap nr="0">
            <sizes>
            </sizes>
            <total type="fast" count="0" size="0"/>
            <total type="rest" count="1" size="102544"/>
            <system type="current" size="5136384"/>
            <system type="max" size="5136384"/>
            <aspace type="total" size="5136384"/>
            <aspace type="mprotect" size="5136384"/>
            </heap>
            <total type="fast" count="0" size="0"/>
            <total type="rest" count="1" size="102544"/>
            <total type="mmap" count="0" size="0"/>
            <system type="current" size="5136384"/>
            <system type="max" size="5136384"/>
            <aspace type="total" size="5136384"/>
            <aspace type="mprotect" size="5136384"/>
            </malloc>
            """;

    static final String AFTER_DEALLOCATION = """
            <malloc version="1">
            <heap nr="0">
            <sizes>
              <size from="33" to="48" total="5032848" count="104851"/>
            </sizes>
            <total type="fast" count="104851" size="5032848"/>
            <total type="rest" count="1" size="102544"/>
            <system type="current" size="5136384"/>
            <system type="max" size="5136384"/>
            <aspace type="total" size="5136384"/>
            <aspace type="mprotect" size="5136384"/>
            </heap>
            <total type="fast" count="104851" size="5032848"/>
            <total type="rest" count="1" size="102544"/>
            <total type="mmap" count="0" size="0"/>
            <system type="current" size="5136384"/>
            <system type="max" size="5136384"/>
            <aspace type="total" size="5136384"/>
            <aspace type="mprotect" size="5136384"/>
            </malloc>
            """;

    @Test
    void mallocInfoAfterBuildingAndFreeingAListIsGlibcsDocument() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long head = 0;
        long allocated = 0;
        while (allocated < PER_THREAD_ALLOCATIONS) {
            long newHead = a.malloc(NODE);
            assertThat(newHead).isNotZero();
            allocated += NODE;
            a.addressSpace().store64(newHead, head);
            head = newHead;
        }

        assertThat(a.mallocInfo(0)).isEqualTo(AFTER_ALLOCATION);

        while (head != 0) {
            long next = a.addressSpace().load64(head);
            a.free(head);
            head = next;
        }

        assertThat(a.mallocInfo(0)).isEqualTo(AFTER_DEALLOCATION);
    }
}
