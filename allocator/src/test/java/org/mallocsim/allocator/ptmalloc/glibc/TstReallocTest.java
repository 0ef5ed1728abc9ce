package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.ENOMEM;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.bytes;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.filled;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.memset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;

/**
 * glibc's malloc/tst-realloc.c (glibc-2.36): realloc(NULL, n) is malloc, growing and shrinking keep
 * the contents, a failed realloc leaves the block alone, realloc(p, 0) frees and returns NULL, and
 * realloc(NULL, 0) is malloc(0).
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstReallocTest {

    @Test
    void reallocOfNullAndMinusOneFailsWithEnomem() {
        Allocator a = GlibcTestProcess.ptmalloc();

        assertThat(a.realloc(0, -1)).isZero();
        assertThat(a.errno()).isEqualTo(ENOMEM);
    }

    @Test
    void reallocOfNullIsMalloc() {
        Allocator a = GlibcTestProcess.ptmalloc();

        long p = a.realloc(0, 10);

        assertThat(p).isNotZero();
        assertThat(a.mallocUsableSize(p)).isEqualTo(24);
        a.free(p);
    }

    @Test
    void growingACallocedBlockKeepsItsZeroes() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long p = a.calloc(20, 1);
        assertThat(p).isNotZero();

        p = a.realloc(p, 200);

        assertThat(p).isNotZero();
        assertThat(bytes(a, p, 20)).as("first 20 bytes").isEqualTo(new byte[20]);
        a.free(p);
    }

    @Test
    void shrinkingKeepsTheContentsAndAFailedReallocLeavesThemAlone() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long p = a.realloc(0, 100);
        assertThat(p).isNotZero();
        memset(a, p, 0xff, 100);

        p = a.realloc(p, 16);
        assertThat(p).isNotZero();
        assertThat(bytes(a, p, 16)).as("first 16 bytes").isEqualTo(filled(16, 0xff));

        assertThat(a.realloc(p, -1)).as("realloc (p, -1)").isZero();
        assertThat(a.errno()).isEqualTo(ENOMEM);
        assertThat(bytes(a, p, 16)).as("first 16 bytes after failed realloc").isEqualTo(filled(16, 0xff));

        assertThat(a.realloc(p, 0)).as("realloc (p, 0)").isZero();
        long q = a.realloc(0, 0);
        assertThat(q).as("realloc (NULL, 0)").isNotZero();
        a.free(q);
    }

    @Test
    void reallocToZeroReallyFreesTheBlock() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long p = a.malloc(100);

        assertThat(a.realloc(p, 0)).isZero();

        // the freed chunk is the head of its tcache bin: the next malloc of that size returns it
        assertThat(a.malloc(100)).isEqualTo(p);
    }
}
