package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KernelConfigTest {
    @Test
    void theBuilderStartsFromTheDefaultsAndChangesOnlyWhatItIsTold() {
        KernelConfig c =
                KernelConfig.builder().maxMapCount(3).rlimitData(1L << 20).build();
        assertThat(c.maxMapCount()).isEqualTo(3);
        assertThat(c.rlimitData()).isEqualTo(1L << 20);
        assertThat(c.ramBytes()).isEqualTo(KernelConfig.defaults().ramBytes());
        assertThat(c.rlimitStack()).isEqualTo(8L << 20);
        assertThat(c.thpEnabled()).isEqualTo(ThpMode.MADVISE);
        assertThat(c.pku()).isFalse();
    }

    @Test
    void toBuilderCarriesEveryTunable() {
        KernelConfig c = KernelConfig.builder()
                .ramBytes(1L << 26)
                .maxMapCount(7)
                .overcommitMemory(2)
                .overcommitRatio(80)
                .mmapMinAddr(65536)
                .stackGuardGap(4096)
                .rlimitAs(1L << 30)
                .rlimitData(1L << 29)
                .rlimitStack(1L << 23)
                .randomizeSeed(9)
                .thpAlign(false)
                .zeroPage(false)
                .thpEnabled(ThpMode.NEVER)
                .pku(true)
                .build();
        assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());
        assertThat(c.toBuilder().pku(false).build().toString())
                .isEqualTo(c.toString().replace("pku=true", "pku=false"));
    }
}
