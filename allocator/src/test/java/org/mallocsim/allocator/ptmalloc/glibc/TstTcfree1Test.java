package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.MallocAbort;

/**
 * glibc's malloc/tst-tcfree1.c (glibc-2.36): freeing a chunk that is already in the tcache aborts
 * the process (SIGABRT) with {@code free(): double free detected in tcache 2}.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstTcfree1Test {

    @Test
    void aSecondFreeOfATcachedChunkAborts() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long x = a.malloc(32);
        a.free(x); // puts it in the tcache

        MallocAbort abort = catchThrowableOfType(MallocAbort.class, () -> a.free(x));
        HeapCheckAfterEach.corrupted(a);

        assertThat(abort).as("tcache double free not detected").isNotNull();
        assertThat(abort.glibcMessage()).isEqualTo("free(): double free detected in tcache 2");
        assertThat(abort.stderrLine()).isEqualTo("free(): double free detected in tcache 2\n");
    }
}
