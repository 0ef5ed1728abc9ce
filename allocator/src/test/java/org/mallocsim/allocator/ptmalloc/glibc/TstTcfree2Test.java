package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.MallocAbort;

/**
 * glibc's malloc/tst-tcfree2.c (glibc-2.36): with the tcache bin full, the first chunk freed sits at
 * the end of its list; freeing it again walks the whole list, finds it and aborts with
 * {@code free(): double free detected in tcache 2}.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstTcfree2Test {
    static final int COUNT = 20;

    @Test
    void aDoubleFreeOfTheLastChunkOfAFullTcacheBinAborts() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long[] ptrs = new long[COUNT];
        for (int i = 0; i < COUNT; i++) {
            ptrs[i] = a.malloc(20);
        }
        for (int i = 0; i < COUNT; i++) {
            a.free(ptrs[i]);
        }

        MallocAbort abort = catchThrowableOfType(MallocAbort.class, () -> a.free(ptrs[0]));
        HeapCheckAfterEach.corrupted(a);

        assertThat(abort).as("tcache double free not detected").isNotNull();
        assertThat(abort.glibcMessage()).isEqualTo("free(): double free detected in tcache 2");
    }

    @Test
    void aDoubleFreeOfAChunkInTheFastbinBehindTheFullTcacheIsCaughtAtTheFastbinTop() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long[] ptrs = new long[COUNT];
        for (int i = 0; i < COUNT; i++) {
            ptrs[i] = a.malloc(20);
        }
        for (int i = 0; i < COUNT; i++) {
            a.free(ptrs[i]);
        }

        // ptrs[19] went to the fastbin last (the tcache holds ptrs[0..6]); it is the fastbin's head
        MallocAbort abort = catchThrowableOfType(MallocAbort.class, () -> a.free(ptrs[COUNT - 1]));
        HeapCheckAfterEach.corrupted(a);

        assertThat(abort).isNotNull();
        assertThat(abort.glibcMessage()).isEqualTo("double free or corruption (fasttop)");
    }
}
