package org.mallocsim.kernel.proc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProcSmapsVmFlagsTest {

    /** Every bit {@code show_smap_vma_flags} names on the reference machine (x86-64, Linux 6.18). */
    @ParameterizedTest(name = "bit {0} is {1}")
    @CsvSource({
        "0, rd", "1, wr", "2, ex", "3, sh", "4, mr", "5, mw", "6, me", "7, ms", "8, gd", "9, um", "10, pf", "12, uw",
        "13, lo", "14, io", "15, sr", "16, rr", "17, dc", "18, de", "19, lf", "20, ac", "21, nr", "22, ht", "23, sf",
        "24, ar", "25, wf", "26, dd", "28, mm", "29, hg", "30, nh", "31, mg", "40, dp", "41, ui", "42, sl"
    })
    void eachNamedFlagPrintsItsTwoLetters(int bit, String code) {
        StringBuilder sb = new StringBuilder();

        VmFlagNames.appendVmFlagsLine(sb, 1L << bit);

        assertThat(sb).hasToString("VmFlags: " + code + " \n");
    }

    @ParameterizedTest(name = "bit {0} is unknown")
    @CsvSource({"11", "27", "36", "37", "39", "43", "63"})
    void bitsThisKernelDoesNotNamePrintQuestionMarks(int bit) {
        StringBuilder sb = new StringBuilder();

        VmFlagNames.appendVmFlagsLine(sb, 1L << bit);

        assertThat(sb).hasToString("VmFlags: ?? \n");
    }

    @Test
    void protectionKeyBitsPrintNothing() {
        StringBuilder sb = new StringBuilder();

        VmFlagNames.appendVmFlagsLine(sb, 0xfL << 32 | 1);

        assertThat(sb).hasToString("VmFlags: rd \n");
    }

    @Test
    void codesComeInBitOrderEachFollowedByASpace() {
        StringBuilder sb = new StringBuilder();

        VmFlagNames.appendVmFlagsLine(sb, 0x80100073L | 1L << 42);

        assertThat(sb).hasToString("VmFlags: rd wr mr mw me ac mg sl \n");
    }
}
