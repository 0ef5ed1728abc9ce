package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.MallocAbort;

/**
 * glibc's malloc/tst-malloc-backtrace.c (glibc-2.36): a freed 4 KiB chunk (unsorted, too big for the
 * tcache) whose size word is then overwritten with 1 makes the next malloc abort. glibc's test only
 * expects SIGABRT; the message is the unsorted scan's first check, as glibc 2.36-9+deb12u14 prints
 * it for this program on the reference machine.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstMallocBacktraceTest {
    static final long SIZE = 4096;

    @Test
    void mallocAfterAFreedChunksSizeWasCorruptedAborts() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long ptr1 = a.malloc(SIZE);
        long ptr2 = a.malloc(SIZE);
        a.free(ptr1);
        a.addressSpace().store64(ptr1 - 8, 1); // *(size_t *)(ptr - sizeof (size_t)) = 1
        HeapCheckAfterEach.corrupted(a);

        MallocAbort abort = catchThrowableOfType(MallocAbort.class, () -> a.malloc(SIZE));

        assertThat(abort).as("corrupted size not detected").isNotNull();
        assertThat(abort.glibcMessage()).isEqualTo("malloc(): invalid size (unsorted)");
        assertThat(ptr2).isNotZero();
    }

    @Test
    void withoutTheCorruptionTheSameMallocGetsTheFreedChunkBack() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long ptr1 = a.malloc(SIZE);
        a.malloc(SIZE);
        a.free(ptr1);

        assertThat(a.malloc(SIZE)).isEqualTo(ptr1);
    }
}
