package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every layout of VMAs over six pages (each page free, the start of a VMA, or the continuation of
 * the one before; VMAs starting on odd pages optionally growing down), placed at the bottom of the
 * address space, below 2^47 and at the very top of the 64-bit space: every query at every page
 * edge, and every gap search over every window, must answer as the {@link VmaTreeReference} does.
 */
class VmaTreeExhaustiveTest {
    private static final long PAGE = 4096;
    private static final int PAGES = 6;
    private static final long[] ALIGN_MASKS = {0, 2 * PAGE - 1};

    @ParameterizedTest(name = "every six-page layout at {0} answers as the model")
    @ValueSource(strings = {"0x0", "0x7ffffffe0000", "0xffffffffffff8000"})
    void everySixPageLayoutAnswersAsTheModel(String baseHex) {
        long base = Long.parseUnsignedLong(baseHex.substring(2), 16);
        int[] page = new int[PAGES];
        int layouts = 0;
        for (int code = 0; code < 729; code++) { // 3^6: free, start, continue
            int c = code;
            boolean valid = true;
            for (int i = 0; i < PAGES; i++) {
                page[i] = c % 3;
                c /= 3;
                valid &= page[i] != 2 || (i > 0 && page[i - 1] != 0);
            }
            if (!valid) {
                continue;
            }
            for (boolean stacks : new boolean[] {false, true}) {
                compare(base, page, stacks);
                layouts++;
            }
        }
        assertThat(layouts).isEqualTo(2 * 233);
    }

    private static void compare(long base, int[] page, boolean stacks) {
        VmaTree tree = new VmaTree();
        VmaTreeReference model = new VmaTreeReference();
        List<Vma> vmas = new ArrayList<>();
        for (int i = 0; i < PAGES; i++) {
            if (page[i] != 1) {
                continue;
            }
            int j = i + 1;
            while (j < PAGES && page[j] == 2) {
                j++;
            }
            long flags = stacks && (i & 1) == 1 ? VmFlags.VM_GROWSDOWN : VmFlags.VM_READ;
            Vma v = new Vma(base + i * PAGE, base + j * PAGE, flags, 0, null);
            vmas.add(v);
        }
        // insert from the top down, as mmap does
        for (int i = vmas.size() - 1; i >= 0; i--) {
            tree.insert(vmas.get(i));
            model.insert(vmas.get(i));
        }
        assertThat(VmaTreeChecker.check(tree)).containsExactlyElementsOf(vmas);
        List<Long> edges = new ArrayList<>();
        edges.add(0L);
        edges.add(-1L);
        for (int p = -1; p <= PAGES + 1; p++) {
            long a = base + p * PAGE;
            edges.add(a);
            edges.add(a + 1);
            edges.add(a - 1);
        }
        for (long addr : edges) {
            assertThat(tree.find(addr)).as("find %x", addr).isSameAs(model.find(addr));
            assertThat(tree.lookup(addr)).as("lookup %x", addr).isSameAs(model.lookup(addr));
            assertThat(tree.findIntersection(addr, addr + PAGE)).isSameAs(model.findIntersection(addr, addr + PAGE));
            Vma probe = new Vma(addr, addr + PAGE, 0, 0, null);
            assertThat(tree.prev(probe)).as("prev %x", addr).isSameAs(model.prev(probe));
            assertThat(tree.next(probe)).as("next %x", addr).isSameAs(model.next(probe));
        }
        for (Vma v : vmas) {
            assertThat(tree.prev(v)).isSameAs(model.prev(v));
            assertThat(tree.next(v)).isSameAs(model.next(v));
        }
        for (int lowPage = 0; lowPage <= PAGES; lowPage++) {
            for (int highPage = 0; highPage <= PAGES; highPage++) {
                long low = base + lowPage * PAGE;
                long high = base + highPage * PAGE;
                for (long length = PAGE; length <= 3 * PAGE; length += PAGE) {
                    for (long alignMask : ALIGN_MASKS) {
                        for (long guard : new long[] {0, PAGE}) {
                            assertThat(tree.unmappedAreaTopdown(length, low, high, alignMask, guard))
                                    .as("topdown %x %x %x %x %x", length, low, high, alignMask, guard)
                                    .isEqualTo(model.unmappedAreaTopdown(length, low, high, alignMask, guard));
                            assertThat(tree.unmappedArea(length, low, high, alignMask, guard))
                                    .as("bottom-up %x %x %x %x %x", length, low, high, alignMask, guard)
                                    .isEqualTo(model.unmappedArea(length, low, high, alignMask, guard));
                        }
                    }
                }
            }
        }
    }
}
