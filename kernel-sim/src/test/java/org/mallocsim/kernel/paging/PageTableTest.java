package org.mallocsim.kernel.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageTableTest {
    private static final long PAGE = 4096;
    private static final long MIB = 1L << 20;

    private final PhysicalMemory ram = new PhysicalMemory(64 * MIB);
    private final PageTable table = new PageTable(ram);
    private final long baseline = ram.framesInUse();

    private void map(long va, long pfn) {
        long slot = table.pteSlot(va, true);
        assertThat(slot).isPositive();
        ram.putLong(slot, Pte.make(pfn, Pte.PRESENT | Pte.RW | Pte.USER));
    }

    private static long clearAll(long va, long pte) {
        return 0;
    }

    @Test
    void theSlotIsWhereTheDiagramsFourIndicesLead() {
        long va = (5L << 39) | (6L << 30) | (7L << 21) | (8L << 12) | 0x9ab;
        long slot = table.pteSlot(va, true);
        long pud = ram.getLong((table.pgdPfn() << 12) + 5 * 8);
        long pmd = ram.getLong((pud & Pte.PFN_MASK) + 6 * 8);
        long pt = ram.getLong((pmd & Pte.PFN_MASK) + 7 * 8);
        assertThat(slot).isEqualTo((pt & Pte.PFN_MASK) + 8 * 8);
        for (long upper : new long[] {pud, pmd, pt}) {
            assertThat(Pte.flags(upper)).isEqualTo(Pte.PAGE_TABLE);
        }
        assertThat(table.pteSlot(va & -PAGE, false)).isEqualTo(slot);
    }

    @Test
    void aMappedPageReadsBackAndZappingItFreesEveryTable() {
        long va = 0x7fff_f7ff_f000L;
        map(va, 77);
        assertThat(table.readPte(va)).isEqualTo(Pte.make(77, Pte.PRESENT | Pte.RW | Pte.USER));
        assertThat(table.readPte(va + 123)).isEqualTo(table.readPte(va));
        assertThat(table.readPte(va + PAGE)).isZero();
        assertThat(table.tableBytes()).isEqualTo(3 * PAGE);
        assertThat(ram.framesInUse()).isEqualTo(baseline + 3);

        List<Long> seen = new ArrayList<>();
        table.zapRange(va, va + PAGE, (v, pte) -> {
            seen.add(v);
            return 0;
        });
        assertThat(seen).containsExactly(va);
        assertThat(table.readPte(va)).isZero();
        assertThat(table.pteSlot(va, false)).isEqualTo(-1);
        assertThat(table.tableBytes()).isZero();
        assertThat(ram.framesInUse()).isEqualTo(baseline);
    }

    @Test
    void tablesAreSharedByNeighboursAndCountedOncePerLevel() {
        map(0x40_0000L, 1);
        map(0x40_1000L, 2);
        assertThat(table.tableBytes()).isEqualTo(3 * PAGE);
        map(0x60_0000L, 3); // next PMD slot: one more PTE table
        assertThat(table.tableBytes()).isEqualTo(4 * PAGE);
        map(0x4000_0000L, 4); // next PUD slot: PMD + PTE
        assertThat(table.tableBytes()).isEqualTo(6 * PAGE);
        map(1L << 39, 5); // next PGD slot: PUD + PMD + PTE
        assertThat(table.tableBytes()).isEqualTo(9 * PAGE);
        table.zapRange(0, PageTable.USER_END, PageTableTest::clearAll);
        assertThat(table.tableBytes()).isZero();
        assertThat(ram.framesInUse()).isEqualTo(baseline);
    }

    @Test
    void withoutAllocateAMissingLevelGivesMinusOneAndBuildsNothing() {
        assertThat(table.pteSlot(0x1234_5000L, false)).isEqualTo(-1);
        assertThat(table.readPte(0x1234_5000L)).isZero();
        assertThat(table.tableBytes()).isZero();
        assertThat(ram.framesInUse()).isEqualTo(baseline);
    }

    @Test
    void addressesOutsideTheUserHalfHaveNoSlot() {
        assertThat(table.pteSlot(PageTable.USER_END, false)).isEqualTo(-1);
        assertThat(table.pteSlot(-PAGE, false)).isEqualTo(-1);
        assertThat(table.readPte(0xffff_8000_0000_0000L)).isZero();
        assertThatThrownBy(() -> table.pteSlot(PageTable.USER_END, true)).isInstanceOf(IllegalArgumentException.class);
        map(PageTable.USER_END - PAGE, 9);
        assertThat(table.readPte(PageTable.USER_END - PAGE)).isNotZero();
    }

    @Test
    void forEachPteVisitsPresentEntriesInAddressOrderAndStoresTheNewValue() {
        long[] vas = {0x1000, 0x2000, 0x20_0000, 0x4000_0000L, 0x80_0000_0000L, 0x7fff_ffff_e000L};
        for (int i = vas.length - 1; i >= 0; i--) {
            map(vas[i], i + 1);
        }
        List<Long> seen = new ArrayList<>();
        table.forEachPte(0, PageTable.USER_END, (va, pte) -> {
            seen.add(va);
            return Pte.withFlags(pte, Pte.ACCESSED);
        });
        assertThat(seen)
                .containsExactly(0x1000L, 0x2000L, 0x20_0000L, 0x4000_0000L, 0x80_0000_0000L, 0x7fff_ffff_e000L);
        for (int i = 0; i < vas.length; i++) {
            assertThat(table.readPte(vas[i]))
                    .isEqualTo(Pte.make(i + 1, Pte.PRESENT | Pte.RW | Pte.USER | Pte.ACCESSED));
        }
        seen.clear();
        table.forEachPte(0x1800, 0x20_0001L, (va, pte) -> {
            seen.add(va);
            return pte;
        });
        assertThat(seen).as("pages partly inside the range count").containsExactly(0x1000L, 0x2000L, 0x20_0000L);
        long before = table.tableBytes();
        table.forEachPte(0, PageTable.USER_END, PageTableTest::clearAll);
        assertThat(table.tableBytes()).as("forEachPte frees nothing").isEqualTo(before);
    }

    @Test
    void zappingPartOfATableKeepsItWhileAnotherEntryLives() {
        map(0x10_0000L, 1);
        map(0x10_5000L, 2);
        table.zapRange(0x10_0000L, 0x10_1000L, PageTableTest::clearAll);
        assertThat(table.tableBytes()).isEqualTo(3 * PAGE);
        assertThat(table.readPte(0x10_5000L)).isNotZero();
        table.zapRange(0x10_5000L, 0x10_6000L, PageTableTest::clearAll);
        assertThat(table.tableBytes()).isZero();
        assertThat(ram.framesInUse()).isEqualTo(baseline);
    }

    @Test
    void aVisitorThatKeepsAnEntryKeepsItsTables() {
        map(0x10_0000L, 1);
        map(0x10_1000L, 2);
        table.zapRange(0, 1L << 30, (va, pte) -> va == 0x10_1000L ? pte : 0);
        assertThat(table.readPte(0x10_1000L)).isNotZero();
        assertThat(table.tableBytes()).isEqualTo(3 * PAGE);
    }

    @Test
    void anEmptyTableLeftByAnAllocatingWalkIsFreedByAZapOfItsRange() {
        assertThat(table.pteSlot(0x3000_0000L, true)).isPositive();
        assertThat(table.tableBytes()).isEqualTo(3 * PAGE);
        table.zapRange(0x3000_0000L, 0x3000_1000L, PageTableTest::clearAll);
        assertThat(table.tableBytes()).isZero();
        assertThat(ram.framesInUse()).isEqualTo(baseline);
    }

    @Test
    void aFailedAllocationMidWalkLeavesNoTableAndNoLeak() {
        PhysicalMemory small = new PhysicalMemory(16 * PAGE);
        PageTable pt = new PageTable(small);
        assertThat(pt.pteSlot(0x1000, true)).isPositive(); // zero page + PGD + 3 tables = 5 frames
        List<Long> hogged = new ArrayList<>();
        while (small.framesInUse() < small.frames() - 2) {
            hogged.add(small.allocFrame());
        }
        long used = small.framesInUse();
        long far = 1L << 39; // needs PUD + PMD + PTE, only 2 frames left
        assertThat(pt.pteSlot(far, true)).isEqualTo(-1);
        assertThat(small.framesInUse()).isEqualTo(used);
        assertThat(pt.tableBytes()).isEqualTo(3 * PAGE);
        assertThat(pt.pteSlot(far, false)).isEqualTo(-1);
        assertThat(pt.pteSlot(0x4000_0000L, true))
                .as("PMD + PTE fit in 2 frames")
                .isPositive();
        assertThat(small.framesInUse()).isEqualTo(small.frames());
        assertThat(pt.pteSlot(0x20_0000L, true))
                .as("a PTE table alone does not fit")
                .isEqualTo(-1);
        assertThat(pt.tableBytes()).isEqualTo(5 * PAGE);
        small.freeFrame(hogged.get(0));
        assertThat(pt.pteSlot(0x20_0000L, true)).isPositive();
    }

    @Test
    void aRangeAcrossEveryLevelBoundaryIsZappedWhole() {
        long boundary = 1L << 39;
        for (long va = boundary - 4 * PAGE; va < boundary + 4 * PAGE; va += PAGE) {
            map(va, 3);
        }
        assertThat(table.tableBytes()).isEqualTo(6 * PAGE);
        table.zapRange(boundary - 2 * PAGE, boundary + 2 * PAGE, PageTableTest::clearAll);
        assertThat(table.tableBytes()).isEqualTo(6 * PAGE);
        table.zapRange(boundary - 4 * PAGE, boundary + 4 * PAGE, PageTableTest::clearAll);
        assertThat(table.tableBytes()).isZero();
        assertThat(ram.framesInUse()).isEqualTo(baseline);
    }

    @Test
    void anEntryWrittenInAGroupAZapFoundEmptyIsStillVisitedAndZapped() {
        long group = 0x5555_5555_8000L; // 8 pages: the walks skip such a group while it reads zero
        map(group, 5);
        map(group + 64 * PAGE, 6); // keeps the PTE table through the zaps below
        table.zapRange(group, group + 8 * PAGE, PageTableTest::clearAll);
        map(group + 3 * PAGE, 7); // through the existing table: pteSlot's fast path
        List<Long> seen = new ArrayList<>();
        table.forEachPte(0, PageTable.USER_END, (v, pte) -> {
            seen.add(v);
            return pte;
        });
        assertThat(seen).containsExactly(group + 3 * PAGE, group + 64 * PAGE);
        table.zapRange(group + 64 * PAGE, PageTable.USER_END, PageTableTest::clearAll);
        assertThat(table.tableBytes()).isEqualTo(3 * PAGE);
        table.zapRange(0, group + 64 * PAGE, PageTableTest::clearAll);
        assertThat(table.tableBytes()).isZero();
        assertThat(ram.framesInUse()).isEqualTo(baseline);
    }

    @ParameterizedTest(name = "random maps and zaps agree with a sorted map, seed {0}")
    @ValueSource(longs = {11, 12, 13, 14})
    void randomMapsAndZapsAgreeWithASortedMap(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        TreeMap<Long, Long> model = new TreeMap<>();
        // a few clusters spread over the address space, so every level gets shared and split
        long[] bases = {0, 0x5555_5555_0000L, 0x7fff_f000_0000L, 0x40_0000_0000L};
        for (int step = 0; step < 3000; step++) {
            long base = bases[random.nextInt(bases.length)];
            long va = base + random.nextLong(1L << 26) & -PAGE;
            if (random.nextInt(4) > 0) {
                long pte = Pte.make(random.nextLong(1, 1L << 30), Pte.PRESENT | Pte.USER);
                ram.putLong(table.pteSlot(va, true), pte);
                model.put(va, pte);
            } else {
                long end = va + random.nextLong(1, 1L << 24);
                table.zapRange(va, end, PageTableTest::clearAll);
                model.subMap(va, end).clear();
            }
        }
        TreeMap<Long, Long> seen = new TreeMap<>();
        table.forEachPte(0, PageTable.USER_END, (va, pte) -> {
            assertThat(seen.isEmpty() || seen.lastKey() < va).isTrue();
            seen.put(va, pte);
            return pte;
        });
        assertThat(seen).isEqualTo(model);
        for (Map.Entry<Long, Long> e : model.entrySet()) {
            assertThat(table.readPte(e.getKey())).isEqualTo(e.getValue());
        }
        table.zapRange(0, PageTable.USER_END, PageTableTest::clearAll);
        assertThat(table.tableBytes()).isZero();
        assertThat(ram.framesInUse()).isEqualTo(baseline);
    }
}
