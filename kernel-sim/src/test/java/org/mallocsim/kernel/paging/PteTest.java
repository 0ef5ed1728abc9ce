package org.mallocsim.kernel.paging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PteTest {

    /** The bit numbers as the class's diagram draws them. */
    @Test
    void flagBitsSitWhereTheDiagramDrawsThem() {
        assertThat(Pte.PRESENT).isEqualTo(1L << 0);
        assertThat(Pte.RW).isEqualTo(1L << 1);
        assertThat(Pte.USER).isEqualTo(1L << 2);
        assertThat(Pte.PWT).isEqualTo(1L << 3);
        assertThat(Pte.PCD).isEqualTo(1L << 4);
        assertThat(Pte.ACCESSED).isEqualTo(1L << 5);
        assertThat(Pte.DIRTY).isEqualTo(1L << 6);
        assertThat(Pte.PSE).isEqualTo(1L << 7);
        assertThat(Pte.GLOBAL).isEqualTo(1L << 8).isEqualTo(Pte.PROTNONE);
        assertThat(Pte.SPECIAL).isEqualTo(1L << 9);
        assertThat(Pte.SOFT_DIRTY).isEqualTo(1L << 11);
        assertThat(Pte.NX).isEqualTo(1L << 63);
        assertThat(Long.numberOfTrailingZeros(Pte.PFN_MASK)).isEqualTo(12);
        assertThat(64 - Long.numberOfLeadingZeros(Pte.PFN_MASK)).isEqualTo(52);
        assertThat(Long.bitCount(Pte.PFN_MASK)).isEqualTo(40);
        assertThat(Pte.PAGE_TABLE).isEqualTo(0x67L); // Linux's _PAGE_TABLE
    }

    @ParameterizedTest(name = "make then pfn and flags give back what went in, seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void makeThenPfnAndFlagsGiveBackWhatWentIn(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 10_000; i++) {
            long pfn = random.nextLong(1L << 40);
            long flags = random.nextLong() & Pte.FLAGS_MASK;
            long pte = Pte.make(pfn, flags);
            assertThat(Pte.pfn(pte)).isEqualTo(pfn);
            assertThat(Pte.flags(pte)).isEqualTo(flags);
            assertThat(Pte.make(Pte.pfn(pte), Pte.flags(pte))).isEqualTo(pte);
            assertThat(Pte.withPfn(pte, 7)).isEqualTo(Pte.make(7, flags));
        }
    }

    @Test
    void aProtNonePageIsPresentToLinuxButNotToTheHardware() {
        long pte = Pte.make(42, Pte.PROTNONE | Pte.USER | Pte.ACCESSED);
        assertThat(Pte.isPresent(pte)).isTrue();
        assertThat(Pte.isHardwarePresent(pte)).isFalse();
        assertThat(Pte.isProtNone(pte)).isTrue();
        assertThat(Pte.isProtNone(Pte.make(42, Pte.PRESENT | Pte.GLOBAL))).isFalse();
        assertThat(Pte.isNone(0)).isTrue();
        assertThat(Pte.isPresent(0)).isFalse();
    }

    @Test
    void flagHelpersChangeOnlyTheirBits() {
        long pte = Pte.make(0x1234, Pte.PRESENT | Pte.USER);
        long dirty = Pte.withFlags(pte, Pte.RW | Pte.DIRTY);
        assertThat(Pte.isWrite(dirty)).isTrue();
        assertThat(Pte.isDirty(dirty)).isTrue();
        assertThat(Pte.isAccessed(dirty)).isFalse();
        assertThat(Pte.pfn(dirty)).isEqualTo(0x1234);
        assertThat(Pte.withoutFlags(dirty, Pte.RW | Pte.DIRTY)).isEqualTo(pte);
        assertThat(Pte.withFlags(pte, Pte.PFN_MASK)).isEqualTo(pte);
        assertThat(Pte.isSpecial(Pte.withFlags(pte, Pte.SPECIAL))).isTrue();
        assertThat(Pte.toString(dirty)).isEqualTo("pfn=0x1234 P RW U D");
    }
}
