package org.mallocsim.kernel.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.kernel.proc.Captures.AC;
import static org.mallocsim.kernel.proc.Captures.MAY;
import static org.mallocsim.kernel.proc.Captures.R;
import static org.mallocsim.kernel.proc.Captures.VM_DROPPABLE;
import static org.mallocsim.kernel.proc.Captures.VM_SEALED;
import static org.mallocsim.kernel.proc.Captures.W;
import static org.mallocsim.kernel.proc.Captures.X;
import static org.mallocsim.kernel.proc.Captures.anon;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mallocsim.kernel.mm.PageStats;
import org.mallocsim.kernel.mm.ThpMode;
import org.mallocsim.kernel.mm.VmFlags;
import org.mallocsim.kernel.mm.VmaView;

class ProcSmapsTest {

    private static final PageStats NONE = new PageStats(0, 0, 0, 0, 0, 0);

    /** VMAs and page-table walks matching what {@code proc/capture.c} set up, in its order. */
    private final List<VmaView> vmas = new ArrayList<>();

    private final Map<Long, PageStats> pages = new HashMap<>();

    private void region(VmaView vma, PageStats stats) {
        vmas.add(vma);
        pages.put(vma.start(), stats);
    }

    private static PageStats dirty(long n) {
        return new PageStats(n, n, n, 0, n, 0);
    }

    private PageStatsSource walk() {
        return (start, end) -> {
            PageStats stats = pages.get(start);
            assertThat(stats).as("walk of %x-%x", start, end).isNotNull();
            return stats;
        };
    }

    private void captureRegions() {
        long rw = R | W | MAY | AC;
        region(anon(0x200000, 0x204000, rw), dirty(1));
        region(anon(0x7e0000000000L, 0x7e0000010000L, rw), dirty(5));
        // this machine gives read faults on private anonymous memory a fresh zeroed page, clean
        region(anon(0x7e0000100000L, 0x7e0000108000L, R | MAY), new PageStats(3, 3, 0, 3, 3, 0));
        region(anon(0x7e0000200000L, 0x7e0000204000L, MAY), NONE);
        region(anon(0x7e0000300000L, 0x7e0000304000L, R | W | X | MAY | AC), dirty(2));
        // MADV_FREE: still mapped, clean, not young, lazily freeable
        region(anon(0x7e0000400000L, 0x7e0000404000L, rw), new PageStats(4, 4, 0, 4, 0, 4));
        region(anon(0x7e0000500000L, 0x7e0000503000L, rw | VmFlags.VM_LOCKED), dirty(3));
        region(anon(0x7e0000600000L, 0x7e0000602000L, R | W | MAY | VmFlags.VM_NORESERVE), NONE);
        region(anon(0x7e0000800000L, 0x7e0000c00000L, rw | VmFlags.VM_HUGEPAGE), NONE);
        region(anon(0x7e0001000000L, 0x7e0001001000L, W | MAY | AC), NONE);
        region(anon(0x7e0001002000L, 0x7e0001003000L, X | MAY), NONE);
        region(anon(0x7e0001004000L, 0x7e0001005000L, W | X | MAY | AC), NONE);
        region(anon(0x7e0001006000L, 0x7e0001007000L, R | X | MAY), NONE);
        region(anon(0x7e0001100000L, 0x7e0001102000L, rw | VmFlags.VM_DONTCOPY | VmFlags.VM_DONTDUMP), NONE);
        region(
                anon(
                        0x7e0001200000L,
                        0x7e0001202000L,
                        rw | VmFlags.VM_SEQ_READ | VmFlags.VM_WIPEONFORK | VmFlags.VM_NOHUGEPAGE),
                NONE);
        region(anon(0x7e0001300000L, 0x7e0001302000L, rw | VmFlags.VM_RAND_READ | VmFlags.VM_MERGEABLE), NONE);
        region(anon(0x7e0001400000L, 0x7e0001402000L, rw | VmFlags.VM_GROWSDOWN), NONE);
        region(anon(0x7e0001500000L, 0x7e0001502000L, rw | VmFlags.VM_LOCKED | VmFlags.VM_LOCKONFAULT), NONE);
        region(anon(0x7e0001600000L, 0x7e0001601000L, R | MAY | VM_SEALED), NONE);
        region(
                anon(
                        0x7e0001700000L,
                        0x7e0001701000L,
                        R
                                | W
                                | MAY
                                | VmFlags.VM_NORESERVE
                                | VmFlags.VM_WIPEONFORK
                                | VmFlags.VM_DONTDUMP
                                | VM_DROPPABLE),
                NONE);
        region(
                new VmaView(
                        0x7e0001800000L,
                        0x7e0001802000L,
                        R | W | VmFlags.VM_SHARED | MAY | VmFlags.VM_MAYSHARE,
                        0,
                        0,
                        1,
                        24,
                        "/dev/zero (deleted)"),
                NONE);
    }

    @Test
    void smapsOfTheCapturedRegionsMatchesTheRealKernelWhole() {
        captureRegions();

        assertThat(ProcSmaps.render(vmas, walk(), true, org.mallocsim.kernel.mm.KernelConfig.defaults()))
                .isEqualTo(Captures.read("smaps-fixed-regions.txt"));
    }

    @Test
    void rollupHeaderSpansFirstStartToLastEndLikeTheRealOne() {
        String captured = Captures.read("smaps_rollup-full.txt");
        String firstLine = captured.substring(0, captured.indexOf('\n') + 1);
        String[] range = firstLine.substring(0, firstLine.indexOf(' ')).split("-", -1);
        long start = Long.parseLong(range[0], 16);
        long end = Long.parseLong(range[1], 16);
        region(anon(start, start + 0x1000, R | MAY), NONE);
        region(anon(end - 0x21000, end, R | W | MAY | AC | VmFlags.VM_GROWSDOWN), NONE);

        String rollup = ProcSmaps.rollup(vmas, walk());

        assertThat(rollup).startsWith(firstLine);
        assertThat(labels(rollup)).isEqualTo(labels(captured));
    }

    @Test
    void rollupSumsEveryRegionAndSplitsPssByBacking() {
        captureRegions();
        region(
                new VmaView(0x7e0002000000L, 0x7e0002004000L, R | X | MAY, 0, 254, 0, 99, "/usr/lib/libx.so"),
                new PageStats(4, 0, 0, 4, 4, 0));

        assertThat(ProcSmaps.rollup(vmas, walk())).isEqualTo("""
                00200000-7e0002004000 ---p 00000000 00:00 0                              [rollup]
                Rss:                  88 kB
                Pss:                  88 kB
                Pss_Dirty:            44 kB
                Pss_Anon:             72 kB
                Pss_File:             16 kB
                Pss_Shmem:             0 kB
                Shared_Clean:          0 kB
                Shared_Dirty:          0 kB
                Private_Clean:        44 kB
                Private_Dirty:        44 kB
                Referenced:           72 kB
                Anonymous:            72 kB
                KSM:                   0 kB
                LazyFree:             16 kB
                AnonHugePages:         0 kB
                ShmemPmdMapped:        0 kB
                FilePmdMapped:         0 kB
                Shared_Hugetlb:        0 kB
                Private_Hugetlb:       0 kB
                Swap:                  0 kB
                SwapPss:               0 kB
                Locked:               12 kB
                """);
    }

    @Test
    void rollupOfNoVmasStartsAndEndsAtZero() {
        assertThat(ProcSmaps.rollup(List.of(), walk()))
                .startsWith("00000000-00000000 ---p 00000000 00:00 0 " + " ".repeat(33) + "[rollup]\n");
    }

    @Test
    void shmemPagesCountAsPssShmemInTheRollup() {
        region(
                new VmaView(
                        0x7e0001800000L,
                        0x7e0001802000L,
                        R | W | VmFlags.VM_SHARED | MAY | VmFlags.VM_MAYSHARE,
                        0,
                        0,
                        1,
                        1026,
                        "/dev/zero (deleted)"),
                new PageStats(2, 0, 2, 0, 2, 0));

        assertThat(ProcSmaps.rollup(vmas, walk()))
                .contains("Pss_Anon:              0 kB\nPss_File:              0 kB\nPss_Shmem:             8 kB\n");
    }

    @Test
    void hugePageEligibilityNeedsAnAlignedPmdInsideTheVma() {
        long hg = R | W | MAY | AC | VmFlags.VM_HUGEPAGE;

        assertThat(ThpMode.MADVISE.eligible(anon(0x7e0000200000L, 0x7e0000400000L, hg)))
                .isTrue();
        assertThat(ThpMode.MADVISE.eligible(anon(0x7e0000201000L, 0x7e0000401000L, hg)))
                .isFalse();
        assertThat(ThpMode.MADVISE.eligible(anon(0x7e0000201000L, 0x7e0000600000L, hg)))
                .isTrue();
        assertThat(ThpMode.MADVISE.eligible(anon(0x7e0000200000L, 0x7e00003ff000L, hg)))
                .isFalse();
    }

    @Test
    void hugePageEligibilityFollowsTheSysfsModeAndTheVmaAdvice() {
        VmaView plain = anon(0x7e0000000000L, 0x7e0000400000L, R | W | MAY | AC);
        VmaView advised = anon(0x7e0000000000L, 0x7e0000400000L, R | W | MAY | AC | VmFlags.VM_HUGEPAGE);
        VmaView refused = anon(0x7e0000000000L, 0x7e0000400000L, R | W | MAY | AC | VmFlags.VM_NOHUGEPAGE);
        VmaView file =
                new VmaView(0x7e0000000000L, 0x7e0000400000L, R | MAY | VmFlags.VM_HUGEPAGE, 0, 254, 0, 7, "/big");

        assertThat(ThpMode.ALWAYS.eligible(plain)).isTrue();
        assertThat(ThpMode.MADVISE.eligible(plain)).isFalse();
        assertThat(ThpMode.MADVISE.eligible(advised)).isTrue();
        assertThat(ThpMode.NEVER.eligible(advised)).isFalse();
        assertThat(ThpMode.ALWAYS.eligible(refused)).isFalse();
        assertThat(ThpMode.ALWAYS.eligible(file)).isFalse();
    }

    @Test
    void thpEligibleLineIsRightAlignedInEightColumns() {
        region(anon(0x7e0000800000L, 0x7e0000c00000L, R | W | MAY | AC | VmFlags.VM_HUGEPAGE), NONE);

        assertThat(ProcSmaps.render(vmas, walk()))
                .contains("\nTHPeligible:           1\nVmFlags: rd wr mr mw me ac hg \n");
    }

    @Test
    void lockedEqualsPssOnlyInLockedVmas() {
        region(anon(0x10000, 0x14000, R | W | MAY | AC | VmFlags.VM_LOCKED), dirty(2));
        region(anon(0x20000, 0x24000, R | W | MAY | AC), dirty(3));

        String smaps = ProcSmaps.render(vmas, walk());

        assertThat(smaps.split("Locked: +"))
                .extracting(s -> s.substring(0, s.indexOf('\n')))
                .containsExactly("00010000-00014000 rw-p 00000000 00:00 0 ", "8 kB", "0 kB");
    }

    private static List<String> labels(String text) {
        List<String> labels = new ArrayList<>();
        for (String line : text.lines().toList()) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.matches("^[0-9a-f]+-.*")) {
                labels.add(line.substring(0, colon));
            }
        }
        return labels;
    }
}
