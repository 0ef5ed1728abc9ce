package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.ThreadEvents;

/**
 * glibc's malloc/tst-malloc_info.c (glibc-2.36): threads each build a linked list of 48-byte nodes,
 * malloc_info (0, ...) is printed, the lists are freed, the threads exit and malloc_info is printed
 * again. glibc's test only checks that printing works; here both documents are compared whole with
 * what glibc 2.36-9+deb12u14 printed on the reference machine (malloc_info on unbuffered stderr, so
 * stdio allocates nothing). The threaded run uses two threads of 68 MiB instead of four of 128 MiB
 * (still two heaps in a thread arena, at a quarter of the calls); the program that printed its
 * documents is in the test resources beside them. A single-thread run of 4 MiB pins the main arena alone.
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

    @Test
    void mallocInfoAfterTwoThreadsBuiltAndFreedTheirListsIsGlibcsDocument() throws IOException {
        Allocator a = GlibcTestProcess.ptmalloc();
        ThreadEvents threads = (ThreadEvents) a;
        int main = 1000;
        int threadCount = 2;
        long perThreadAllocations = 68L * 1024 * 1024;
        threads.switchThread(main);
        long[] heads = new long[threadCount];
        for (int t = 1; t <= threadCount; t++) {
            threads.threadStarted(main + t, main);
        }
        // the threads allocate behind a barrier: the first to call malloc runs ptmalloc_init and
        // keeps the main arena, each other creates an arena of its own
        for (int t = 1; t <= threadCount; t++) {
            threads.switchThread(main + t);
            long allocated = 0;
            while (allocated < perThreadAllocations) {
                long newHead = a.malloc(NODE);
                assertThat(newHead).isNotZero();
                allocated += NODE;
                a.addressSpace().store64(newHead, heads[t - 1]);
                heads[t - 1] = newHead;
            }
        }
        threads.switchThread(main);
        assertThat(a.mallocInfo(0)).isEqualTo(resource("tst-malloc_info-2-threads-after-allocation.txt"));

        for (int t = 1; t <= threadCount; t++) {
            threads.switchThread(main + t);
            for (long head = heads[t - 1]; head != 0; ) {
                long next = a.addressSpace().load64(head);
                a.free(head);
                head = next;
            }
            threads.threadExited(main + t);
        }
        threads.switchThread(main);
        assertThat(a.mallocInfo(0)).isEqualTo(resource("tst-malloc_info-2-threads-after-deallocation.txt"));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = TstMallocInfoTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
