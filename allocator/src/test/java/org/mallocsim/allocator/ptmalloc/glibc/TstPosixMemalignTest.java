package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.EINVAL;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.ENOMEM;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.PAGESIZE;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;

/**
 * glibc's malloc/tst-posix_memalign.c (glibc-2.36): ENOMEM for huge sizes (BZ #15857), EINVAL for
 * alignments that are not a power-of-two multiple of sizeof (void *) (BZ #16038, 0x300, 0), success
 * for size 0, and an aligned result. {@link Allocator#posixMemalign} returns {@code -errno} where
 * the C function returns the error and leaves {@code *memptr} alone.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstPosixMemalignTest {

    @Test
    void hugeSizesReturnEnomemAndSetErrnoAsGlibcDoes() {
        Allocator a = GlibcTestProcess.ptmalloc();

        assertThat(a.posixMemalign(8, -1)).isEqualTo(-ENOMEM);
        assertThat(a.posixMemalign(PAGESIZE, -PAGESIZE)).isEqualTo(-ENOMEM);
        // POSIX says errno is left alone, but glibc's _int_memalign sets it on the way (measured:
        // posix_memalign (&p, 8, -1) returns 12 with errno 12 on glibc 2.36-9+deb12u14)
        assertThat(a.errno()).isEqualTo(ENOMEM);
    }

    @Test
    void badAlignmentsReturnEinval() {
        Allocator a = GlibcTestProcess.ptmalloc();

        assertThat(a.posixMemalign(-1, PAGESIZE)).isEqualTo(-EINVAL);
        assertThat(a.posixMemalign(0x300, 10)).isEqualTo(-EINVAL);
        assertThat(a.posixMemalign(0, 10)).isEqualTo(-EINVAL);
        assertThat(a.posixMemalign(4, 10))
                .as("not a multiple of sizeof (void *)")
                .isEqualTo(-EINVAL);
    }

    @Test
    void aBadAlignmentLeavesErrnoAsItWas() {
        Allocator a = GlibcTestProcess.ptmalloc();
        assertThat(a.malloc(-1)).isZero();
        assertThat(a.errno()).isEqualTo(ENOMEM);

        assertThat(a.posixMemalign(0x300, 10)).isEqualTo(-EINVAL);

        // __posix_memalign returns EINVAL before _mid_memalign could set errno (measured: errno
        // set to 0 before posix_memalign (&p, 24, 100) is still 0 after it on glibc 2.36-9+deb12u14)
        assertThat(a.errno()).isEqualTo(ENOMEM);
    }

    @Test
    void sizeZeroSucceeds() {
        Allocator a = GlibcTestProcess.ptmalloc();

        long p = a.posixMemalign(8, 0);

        assertThat(p).isPositive();
        a.free(p);
    }

    @Test
    void theResultIsAlignedTo0x100() {
        Allocator a = GlibcTestProcess.ptmalloc();
        a.malloc(8);

        long p = a.posixMemalign(0x100, 10);

        assertThat(p).isPositive();
        assertThat(p & 0xff).isZero();
        a.free(p);
    }
}
