package org.mallocsim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PageTest {
    @Test
    void pageMaskKeepsThePageNumberAsInLinux() {
        assertThat(0x7f0000001234L & Page.PAGE_MASK).isEqualTo(0x7f0000001000L);
        assertThat(Page.offsetInPage(0x7f0000001234L)).isEqualTo(0x234L);
        assertThat(Page.pageAlign(1)).isEqualTo(Page.PAGE_SIZE);
        assertThat(Page.pageAlign(-1)).as("wraps as the C macro").isZero();
        assertThat(0x7f00003fffffL & Page.PMD_MASK).isEqualTo(0x7f0000200000L);
    }

    @Test
    void isErrValueIsTheTopFourThousandAndNinetyFiveOfTheUnsignedRange() {
        assertThat(Errno.isErrValue(-1)).isTrue();
        assertThat(Errno.isErrValue(-4095)).isTrue();
        assertThat(Errno.isErrValue(-4096)).isFalse();
        assertThat(Errno.isErrValue(0x7ffff7ff0000L)).isFalse();
        assertThat(Errno.isErrValue(0)).isFalse();
    }
}
