package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.bytes;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.filled;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.memset;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mallocsim.allocator.Allocator;

/**
 * glibc's malloc/tst-calloc.c (glibc-2.36): N callocs of a size each come back zeroed, though every
 * block is dirtied before the next calloc and all are freed in reverse order between rounds (so
 * later rounds get recycled chunks); and zero-sized callocs do not crash.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstCallocTest {
    /** Samples per size, as in glibc. */
    static final int N = 50000;

    @ParameterizedTest(name = "fixed_test ({0})")
    @ValueSource(ints = {15, 5, 17, 6, 31, 96})
    void everyCallocOfAFixedSizeIsZeroedThoughTheHeapWasDirtied(int size) {
        Allocator a = GlibcTestProcess.ptmalloc();
        // a first round dirties the heap, as the earlier fixed_test calls of glibc's test do
        fixedTest(a, 96);
        fixedTest(a, size);
    }

    @Test
    void randomSizedCallocsAreZeroedSeed20360() {
        Allocator a = GlibcTestProcess.ptmalloc();
        fixedTest(a, 31);
        SplittableRandom rnd = new SplittableRandom(20360);
        long[] ptrs = new long[N];
        int i;
        for (i = 0; i < N; ++i) {
            int n = 1 + rnd.nextInt(10);
            int elem = 1 + rnd.nextInt(100);
            int size = n * elem;
            ptrs[i] = a.calloc(n, elem);
            if (ptrs[i] == 0) {
                break;
            }
            assertThat(bytes(a, ptrs[i], size))
                    .as("calloc (%d, %d), element %d", n, elem, i)
                    .isEqualTo(new byte[size]);
            memset(a, ptrs[i], 0xff, size);
        }
        assertThat(i).isEqualTo(N);
        while (i-- > 0) {
            a.free(ptrs[i]);
        }
    }

    @Test
    void zeroSizedCallocsDoNotCrashAndReturnMinimumChunks() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long uintMax = 0xffffffffL;

        long[] ps = {a.calloc(0, 0), a.calloc(0, uintMax), a.calloc(uintMax, 0), a.calloc(0, -1L), a.calloc(-1L, 0)};

        for (long p : ps) {
            assertThat(p).isNotZero();
            assertThat(a.mallocUsableSize(p)).isEqualTo(24);
        }
    }

    private static void fixedTest(Allocator a, int size) {
        long[] ptrs = new long[N];
        byte[] zero = new byte[size];
        int i;
        for (i = 0; i < N; ++i) {
            ptrs[i] = a.calloc(1, size);
            if (ptrs[i] == 0) {
                break;
            }
            assertThat(bytes(a, ptrs[i], size))
                    .as("calloc (1, %d), element %d", size, i)
                    .isEqualTo(zero);
            memset(a, ptrs[i], 0xff, size);
        }
        assertThat(i).isEqualTo(N);
        assertThat(bytes(a, ptrs[N - 1], size)).isEqualTo(filled(size, 0xff));
        while (i-- > 0) {
            a.free(ptrs[i]);
        }
    }
}
