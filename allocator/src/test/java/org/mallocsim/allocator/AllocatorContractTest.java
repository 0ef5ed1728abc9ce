package org.mallocsim.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mallocsim.kernel.Errno;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

/**
 * The contract every allocation policy keeps, run against every policy in {@link Allocators}
 * (one suite, many implementations, as JCTools' {@code QueueSanityTest}): alignment, usable size,
 * no overlap of live blocks, realloc keeping the bytes, calloc zeroing, NULL and size 0, ENOMEM
 * for sizes no process can have, EINVAL for bad alignments, and seeded random sequences checked
 * against a shadow model. A policy joins the suite by being registered.
 */
class AllocatorContractTest {
    private static final long PAGE = 4096;
    private AddressSpace space;
    private Allocator allocator;

    static Stream<String> policies() {
        return Allocators.names().stream();
    }

    static Stream<Arguments> policiesAndSeeds() {
        return Allocators.names().stream()
                .flatMap(n -> LongStream.rangeClosed(1, 12).mapToObj(s -> Arguments.of(n, s)));
    }

    private Allocator make(String policy) {
        space = new AddressSpace(KernelConfig.defaults());
        allocator = Allocators.factory(policy).create(space, Map.of());
        return allocator;
    }

    /** After every test: the policy's own heap walk, if it has one, and the kernel's invariants. */
    @AfterEach
    void theHeapAndTheKernelStateStayConsistent() {
        checkHeap();
        if (space != null) {
            space.checkConsistency();
        }
    }

    private void checkHeap() {
        if (allocator instanceof HeapCheck) {
            ((HeapCheck) allocator).checkHeap();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void everyBlockIsSixteenByteAlignedAndAllOfItsUsableSizeIsWritable(String policy) {
        Allocator a = make(policy);
        for (long n = 0; n <= 1100; n++) {
            long p = a.malloc(n);
            assertThat(p).as("malloc(%d)", n).isNotZero();
            assertThat(p & 15).as("malloc(%d) = 0x%x", n, p).isZero();
            long usable = a.mallocUsableSize(p);
            assertThat(usable).as("usable size of malloc(%d)", n).isGreaterThanOrEqualTo(n);
            space.fill(p, 0x5a, usable); // the last block's bytes too: it may lend its neighbour's prev_size
        }
        for (long n = 1024; n <= 1L << 22; n <<= 1) {
            long p = a.malloc(n + 1);
            assertThat(p & 15).isZero();
            assertThat(a.mallocUsableSize(p)).isGreaterThanOrEqualTo(n + 1);
            a.free(p);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void theMemalignFamilyAlignsAsAsked(String policy) {
        Allocator a = make(policy);
        for (long align = 16; align <= 1L << 16; align <<= 1) {
            long m = a.memalign(align, 100);
            long aa = a.alignedAlloc(align, 100);
            long pm = a.posixMemalign(align, 100);
            assertThat(m & (align - 1)).as("memalign(%d)", align).isZero();
            assertThat(aa & (align - 1)).as("aligned_alloc(%d)", align).isZero();
            assertThat(pm & (align - 1)).as("posix_memalign(%d)", align).isZero();
            assertThat(List.of(m, aa, pm)).allMatch(p -> p > 0 && a.mallocUsableSize(p) >= 100);
        }
        assertThat(a.memalign(48, 10) & 63).as("memalign rounds 48 up to 64").isZero();
        long v = a.valloc(10);
        long pv = a.pvalloc(PAGE + 1);
        assertThat(v & (PAGE - 1)).isZero();
        assertThat(pv & (PAGE - 1)).isZero();
        assertThat(a.mallocUsableSize(pv)).as("pvalloc rounds to whole pages").isGreaterThanOrEqualTo(2 * PAGE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void freeOfNullChangesNothing(String policy) {
        Allocator a = make(policy);
        a.free(a.malloc(100));
        MallInfo2 before = a.mallinfo2();
        assertThatCode(() -> a.free(0)).doesNotThrowAnyException();
        assertThat(a.mallinfo2()).isEqualTo(before);
        assertThat(a.realloc(0, 24)).as("realloc(NULL, n) is malloc").isNotZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void mallocOfZeroGivesDistinctFreeableBlocks(String policy) {
        Allocator a = make(policy);
        long p = a.malloc(0);
        long q = a.malloc(0);
        assertThat(p).isNotZero().isNotEqualTo(q);
        assertThatCode(() -> {
                    a.free(p);
                    a.free(q);
                })
                .doesNotThrowAnyException();
        long r = a.malloc(8);
        assertThat(a.realloc(r, 0)).as("realloc(p, 0) frees and returns NULL").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void reallocKeepsTheBytesWhetherItGrowsOrShrinks(String policy) {
        Allocator a = make(policy);
        long p = a.malloc(10);
        fill(p, 10, 1);
        long size = 10;
        for (long next : new long[] {40, 1000, 200, 70_000, 300_000, 33, 5000}) {
            long q = a.realloc(p, next);
            assertThat(q).as("realloc to %d", next).isNotZero();
            long kept = Math.min(size, next);
            assertThat(matches(q, kept, 1))
                    .as("the first %d bytes after realloc to %d", kept, next)
                    .isTrue();
            fill(q, next, 1);
            p = q;
            size = next;
        }
        a.free(p);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void callocZeroesEvenMemoryThatWasUsedBefore(String policy) {
        Allocator a = make(policy);
        List<Long> dirty = new ArrayList<>();
        for (long n : new long[] {24, 100, 1000, 5000, 200_000}) {
            long p = a.malloc(n);
            space.fill(p, 0xee, n);
            dirty.add(p);
        }
        dirty.forEach(a::free);
        for (long n : new long[] {24, 100, 1000, 5000, 200_000}) {
            long p = a.calloc(1, n);
            assertThat(p).isNotZero();
            assertThat(matches(p, n, 0)).as("calloc(1, %d) is zeroed", n).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void sizesNoProcessCanHaveGetNullAndEnomem(String policy) {
        Allocator a = make(policy);
        long keep = a.malloc(32);
        fill(keep, 32, 7);
        for (long n : new long[] {-1L, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 60}) {
            assertThat(a.malloc(n)).as("malloc(%x)", n).isZero();
            assertThat(a.errno()).isEqualTo(Errno.ENOMEM);
            assertThat(a.valloc(n)).as("valloc(%x)", n).isZero();
            assertThat(a.memalign(64, n)).as("memalign(64, %x)", n).isZero();
            assertThat(a.realloc(keep, n)).as("realloc(p, %x)", n).isZero();
            assertThat(a.errno()).isEqualTo(Errno.ENOMEM);
        }
        assertThat(a.pvalloc(-1L)).isZero();
        assertThat(a.errno()).isEqualTo(Errno.ENOMEM);
        assertThat(a.calloc(1L << 32, 1L << 32)).as("calloc overflow").isZero();
        assertThat(a.errno()).isEqualTo(Errno.ENOMEM);
        assertThat(a.reallocarray(keep, Long.MAX_VALUE, 3)).isZero();
        assertThat(a.errno()).isEqualTo(Errno.ENOMEM);
        assertThat(a.posixMemalign(64, -1L)).isEqualTo(-Errno.ENOMEM);
        assertThat(matches(keep, 32, 7))
                .as("a failed realloc leaves the block alone")
                .isTrue();
        a.free(keep);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void badAlignmentsGetEinval(String policy) {
        Allocator a = make(policy);
        // C11 and glibc 2.38+ refuse this; glibc 2.36's aligned_alloc is an alias of memalign,
        // which rounds the alignment up: either answer keeps the contract
        long odd = a.alignedAlloc(3, 10);
        if (odd == 0) {
            assertThat(a.errno()).isEqualTo(Errno.EINVAL);
        } else {
            assertThat(odd & 15).isZero();
        }
        a.malloc(-1L); // errno = ENOMEM, which posix_memalign must leave alone
        assertThat(a.posixMemalign(4, 10))
                .as("not a multiple of sizeof(void *)")
                .isEqualTo(-Errno.EINVAL);
        assertThat(a.posixMemalign(24, 10)).as("not a power of two").isEqualTo(-Errno.EINVAL);
        assertThat(a.posixMemalign(0, 10)).isEqualTo(-Errno.EINVAL);
        assertThat(a.errno()).as("posix_memalign does not set errno").isEqualTo(Errno.ENOMEM);
        assertThat(a.memalign(Long.MIN_VALUE + 16, 10))
                .as("memalign above 2^63")
                .isZero();
        assertThat(a.errno()).isEqualTo(Errno.EINVAL);
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("policiesAndSeeds")
    void randomOperationsKeepLiveBlocksApartAndIntact(String policy, long seed) {
        Allocator a = make(policy);
        SplittableRandom rnd = new SplittableRandom(seed);
        TreeMap<Long, long[]> live = new TreeMap<>(); // pointer -> {request, fill byte}
        for (int op = 0; op < 3000; op++) {
            if (op % 250 == 0) {
                checkHeap();
            }
            int roll = rnd.nextInt(100);
            if (roll < 40 || live.isEmpty()) {
                long n = size(rnd);
                int kind = rnd.nextInt(4);
                long k = 1 + rnd.nextInt(4);
                long p = kind == 0 ? a.calloc(k, n) : kind == 1 ? a.memalign(16L << rnd.nextInt(8), n) : a.malloc(n);
                long req = kind == 0 ? k * n : n;
                if (kind == 0) {
                    assertThat(matches(p, req, 0))
                            .as("calloc(%d, %d) = 0x%x is zeroed", k, n, p)
                            .isTrue();
                }
                add(live, p, req, rnd);
            } else if (roll < 70) {
                Long p = randomKey(live, rnd);
                long[] b = live.remove(p);
                assertThat(matches(p, b[0], (int) b[1]))
                        .as("bytes of 0x%x at free", p)
                        .isTrue();
                a.free(p);
            } else {
                Long p = randomKey(live, rnd);
                long[] b = live.remove(p);
                long n = size(rnd);
                long q = a.realloc(p, n);
                if (n == 0) {
                    assertThat(q).as("realloc(p, 0) frees").isZero();
                    continue;
                }
                assertThat(matches(q, Math.min(n, b[0]), (int) b[1]))
                        .as("bytes kept by realloc 0x%x -> %d", p, n)
                        .isTrue();
                add(live, q, n, rnd);
            }
        }
        long requested = live.values().stream().mapToLong(b -> b[0]).sum();
        MallInfo2 m = a.mallinfo2();
        assertThat(m.uordblks() + m.hblkhd())
                .as("bytes in use cover the live requests")
                .isGreaterThanOrEqualTo(requested);
    }

    /** Mostly small, some medium, rarely above glibc's 128 KiB mmap threshold. */
    private static long size(SplittableRandom rnd) {
        int r = rnd.nextInt(100);
        return r < 80 ? rnd.nextInt(256) : r < 98 ? rnd.nextInt(16_384) : 100_000 + rnd.nextInt(200_000);
    }

    /** Records a new live block after checking it overlaps no other, and fills it with its own byte. */
    private void add(TreeMap<Long, long[]> live, long p, long req, SplittableRandom rnd) {
        assertThat(p).isNotZero();
        assertThat(p & 15).isZero();
        Map.Entry<Long, long[]> below = live.floorEntry(p);
        Map.Entry<Long, long[]> above = live.ceilingEntry(p);
        assertThat(below == null || below.getKey() + Math.max(1, below.getValue()[0]) <= p)
                .as("0x%x overlaps the block below", p)
                .isTrue();
        assertThat(above == null || p + Math.max(1, req) <= above.getKey())
                .as("0x%x + %d overlaps the block above", p, req)
                .isTrue();
        int b = 1 + rnd.nextInt(255);
        fill(p, req, b);
        live.put(p, new long[] {req, b});
    }

    private static Long randomKey(TreeMap<Long, long[]> live, SplittableRandom rnd) {
        Long k = live.ceilingKey(rnd.nextLong(live.lastKey() + 1));
        return k == null ? live.firstKey() : k;
    }

    private void fill(long p, long n, int b) {
        space.fill(p, b, n);
    }

    private boolean matches(long p, long n, int b) {
        byte[] buf = new byte[(int) Math.min(n, 1 << 16)];
        for (long off = 0; off < n; off += buf.length) {
            int len = (int) Math.min(buf.length, n - off);
            space.read(p + off, buf, 0, len);
            for (int i = 0; i < len; i++) {
                if (buf[i] != (byte) b) {
                    return false;
                }
            }
        }
        return true;
    }
}
