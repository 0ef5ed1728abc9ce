package org.mallocsim.kernel.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mallocsim.kernel.SegmentationFault;

/** Random loads, stores, bulk operations, unmaps and flushes against a plain byte array. */
class MmuRandomizedTest {
    private static final int PAGE = 4096;
    private static final int PAGES = 12;
    /** The pages sit at TLB slots 1018..1023 and 0..5: the index wraps inside the region. */
    private static final long BASE = (0x7f00_0000L + 1018) * PAGE;

    /**
     * Odd seeds run with 16 MiB of RAM, too little for home frames, so every page hits in the slow
     * path; even seeds with 2 GiB, where every other page of the region finds its home frame
     * taken by a frame held outside it: both kinds of hit, side by side in the TLB.
     */
    @ParameterizedTest(name = "random accesses agree with a byte array, seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomAccessesAgreeWithAByteArray(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean home = seed % 2 == 0;
        DemandPager k = new DemandPager(home ? 2L << 30 : 16L << 20, BASE, BASE + PAGES * PAGE);
        for (int p = 1; home && p < PAGES; p += 2) {
            k.ram.allocZeroedFrameFor(BASE + p * PAGE + PhysicalMemory.HOME_BYTES);
        }
        k.zeroPageOnRead = random.nextBoolean();
        Mmu mmu = k.mmu;
        byte[] model = new byte[PAGES * PAGE];
        long baseline = k.ram.framesInUse();
        for (int step = 0; step < 20_000; step++) {
            int op = random.nextInt(100);
            int size = 1 << random.nextInt(4);
            int off = random.nextInt(4) == 0
                    ? random.nextInt(model.length - size + 1) & -size // aligned
                    : random.nextInt(model.length - size + 1);
            if (random.nextInt(50) == 0) {
                off = (random.nextInt(PAGES - 1) + 1) * PAGE - random.nextInt(1, size + 1); // straddle a page end
                off = Math.max(0, Math.min(off, model.length - size));
            }
            long va = BASE + off;
            if (op < 40) {
                long expected = modelLoad(model, off, size);
                long got = size == 1
                        ? mmu.load8(va)
                        : size == 2 ? mmu.load16(va) : size == 4 ? mmu.load32(va) & 0xffff_ffffL : mmu.load64(va);
                assertThat(got).as("step %d load%d at +%d", step, size * 8, off).isEqualTo(expected);
            } else if (op < 80) {
                long v = random.nextLong();
                switch (size) {
                    case 1:
                        mmu.store8(va, (int) v);
                        break;
                    case 2:
                        mmu.store16(va, (int) v);
                        break;
                    case 4:
                        mmu.store32(va, (int) v);
                        break;
                    default:
                        mmu.store64(va, v);
                        break;
                }
                for (int b = 0; b < size; b++) {
                    model[off + b] = (byte) (v >>> (8 * b));
                }
            } else if (op < 86) {
                int len = random.nextInt(Math.min(3 * PAGE, model.length - off) + 1);
                int value = random.nextInt(256);
                mmu.fill(va, value, len);
                Arrays.fill(model, off, off + len, (byte) value);
            } else if (op < 92) {
                int src = random.nextInt(model.length);
                int len = random.nextInt(Math.min(model.length - src, model.length - off) + 1);
                mmu.copy(va, BASE + src, len);
                System.arraycopy(model, src, model, off, len);
            } else if (op < 95) {
                int len = random.nextInt(Math.min(2 * PAGE, model.length - off) + 1);
                byte[] got = new byte[len + 2];
                mmu.read(va, got, 1, len);
                assertThat(Arrays.copyOfRange(got, 1, len + 1)).isEqualTo(Arrays.copyOfRange(model, off, off + len));
            } else if (op < 97) {
                int first = random.nextInt(PAGES);
                int last = random.nextInt(first, PAGES);
                k.unmap(BASE + (long) first * PAGE, BASE + (long) (last + 1) * PAGE);
                Arrays.fill(model, first * PAGE, (last + 1) * PAGE, (byte) 0);
            } else if (op < 99) {
                mmu.flushRange(va, va + random.nextInt(64 * PAGE));
            } else {
                mmu.flushAll();
            }
        }
        byte[] all = new byte[model.length];
        mmu.read(BASE, all, 0, all.length);
        assertThat(all).isEqualTo(model);
        assertThat(mmu.checkAgainstPageTable()).isNull();
        if (home) {
            mmu.store8(BASE, 1);
            mmu.store8(BASE + PAGE, 1);
            assertThat(TlbAudit.home(mmu, tlbIndex(BASE)))
                    .as("a page in its home frame")
                    .isTrue();
            assertThat(TlbAudit.home(mmu, tlbIndex(BASE + PAGE)))
                    .as("a page whose home frame is taken")
                    .isFalse();
        }
        assertThatThrownBy(() -> mmu.load64(BASE + PAGES * PAGE - 4)).isInstanceOf(SegmentationFault.class);
        k.unmap(BASE, BASE + PAGES * PAGE);
        assertThat(k.ram.framesInUse()).isEqualTo(baseline);
        assertThat(k.pageTable.tableBytes()).isZero();
    }

    private static int tlbIndex(long va) {
        return (int) (va >>> 12) & (Mmu.TLB_SIZE - 1);
    }

    private static long modelLoad(byte[] model, int off, int size) {
        long v = 0;
        for (int b = size - 1; b >= 0; b--) {
            v = (v << 8) | (model[off + b] & 0xff);
        }
        return v;
    }
}
