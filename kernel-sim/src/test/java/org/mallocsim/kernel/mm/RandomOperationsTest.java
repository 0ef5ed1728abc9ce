package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.mallocsim.kernel.Errno.*;
import static org.mallocsim.kernel.Mman.*;
import static org.mallocsim.kernel.mm.Spaces.*;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mallocsim.kernel.SegmentationFault;

/**
 * Random mmap/munmap/mprotect/madvise/load/store sequences in a 256-page window against a
 * page-by-page reference model (mapped, protection, shared, first word), with the integrity check
 * after every step.
 */
class RandomOperationsTest {
    static final long W = 0x200000000L;
    static final int PAGES = 256;

    boolean[] mapped = new boolean[PAGES];
    int[] prot = new int[PAGES];
    boolean[] shared = new boolean[PAGES];
    long[] value = new long[PAGES];

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomOperationsAgreeWithThePageModel(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        AddressSpace as =
                new AddressSpace(KernelConfig.builder().ramBytes(16L << 20).build());
        for (int step = 0; step < 3000; step++) {
            int p = rnd.nextInt(PAGES);
            int n = 1 + rnd.nextInt(Math.min(16, PAGES - p));
            long addr = W + p * PAGE;
            int pr = rnd.nextInt(8);
            String what = "seed " + seed + " step " + step;
            switch (rnd.nextInt(7)) {
                case 0 -> {
                    boolean sh = rnd.nextInt(4) == 0;
                    long r = as.mmap(
                            addr, n * PAGE, pr, (sh ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
                    assertThat(r).as(what).isEqualTo(addr);
                    for (int i = p; i < p + n; i++) {
                        mapped[i] = true;
                        prot[i] = pr;
                        shared[i] = sh;
                        value[i] = 0;
                    }
                }
                case 1 -> {
                    assertThat(as.munmap(addr, n * PAGE)).as(what).isZero();
                    for (int i = p; i < p + n; i++) {
                        mapped[i] = false;
                    }
                }
                case 2 -> {
                    int expected = 0;
                    if (!mapped[p]) {
                        expected = -ENOMEM;
                    } else {
                        for (int i = p; i < p + n; i++) {
                            if (!mapped[i]) {
                                expected = -ENOMEM;
                                break;
                            }
                            prot[i] = pr;
                        }
                    }
                    assertThat(as.mprotect(addr, n * PAGE, pr)).as(what).isEqualTo(expected);
                }
                case 3 -> {
                    boolean any = false;
                    boolean hole = false;
                    for (int i = p; i < p + n; i++) {
                        if (mapped[i]) {
                            any = true;
                            if (!shared[i]) {
                                value[i] = 0;
                            }
                        } else {
                            hole = true;
                        }
                    }
                    int r = as.madvise(addr, n * PAGE, MADV_DONTNEED);
                    if (!any || hole) {
                        // a hole after the range's last VMA ends the walk; either way ENOMEM
                        assertThat(r).as(what).isEqualTo(-ENOMEM);
                    } else {
                        assertThat(r).as(what).isZero();
                    }
                }
                case 4, 5 -> {
                    boolean write = rnd.nextBoolean();
                    long v = rnd.nextLong();
                    boolean allowed = mapped[p] && (write ? (prot[p] & PROT_WRITE) != 0 : prot[p] != 0);
                    try {
                        if (write) {
                            as.store64(addr, v);
                        } else {
                            assertThat(as.load64(addr)).as(what).isEqualTo(value[p]);
                        }
                        if (!allowed) {
                            fail(what + ": access should have faulted");
                        }
                        if (write) {
                            value[p] = v;
                        }
                    } catch (SegmentationFault e) {
                        assertThat(allowed).as(what + ": " + e.getMessage()).isFalse();
                        assertThat(e.code())
                                .as(what)
                                .isEqualTo(mapped[p] ? SegmentationFault.SEGV_ACCERR : SegmentationFault.SEGV_MAPERR);
                        assertThat(e.address()).isEqualTo(addr);
                    }
                }
                default -> {
                    int adv = rnd.nextBoolean() ? MADV_DONTFORK : MADV_DOFORK;
                    boolean any = false;
                    boolean hole = false;
                    for (int i = p; i < p + n; i++) {
                        any |= mapped[i];
                        hole |= !mapped[i];
                    }
                    int r = as.madvise(addr, n * PAGE, adv);
                    assertThat(r).as(what).isEqualTo(!any || hole ? -ENOMEM : 0);
                }
            }
            as.checkConsistency();
        }
    }
}
