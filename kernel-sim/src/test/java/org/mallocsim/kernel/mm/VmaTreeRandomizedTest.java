package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Seeded random insert, remove, resize and query sequences, run on a {@link VmaTree} and on the
 * {@link VmaTreeReference} model side by side: every answer must be the same VMA (or address), and
 * the {@link VmaTreeChecker} invariants must hold throughout. Each run grows the tree to its size
 * (through leaf and node splits), churns it, then drains it to empty (through merges, sharing and
 * root collapse).
 */
class VmaTreeRandomizedTest {
    private static final long PAGE = 4096;
    private static final long[] ALIGN_MASKS = {0, PAGE - 1, 4 * PAGE - 1, (1L << 21) - 1};
    private static final long GUARD = 2 * PAGE;

    private VmaTree tree;
    private VmaTreeReference model;
    private List<Vma> live;
    private SplittableRandom rnd;
    private long base;
    private long domainPages;

    @ParameterizedTest(name = "seed {0}: up to {1} VMAs above {2} agree with the model")
    @CsvSource({
        "1, 1, 0",
        "2, 20, 0",
        "3, 33, 0x7fff00000000",
        "4, 100, 0",
        "5, 700, 0x555555554000",
        "6, 1024, 0",
        "7, 1500, 0x7fff00000000",
        "8, 5000, 0",
        "9, 65531, 0x7f0000000000",
    })
    void randomOperationsAgreeWithTheModel(long seed, int size, String baseHex) {
        run(seed, size, Long.decode(baseHex));
    }

    @ParameterizedTest(name = "seed {0}: up to {1} VMAs ending at the top of the 64-bit space agree with the model")
    @CsvSource({"11, 40", "12, 3000"})
    void randomOperationsNearTwoToTheSixtyFourAgreeWithTheModel(long seed, int size) {
        long pages = domainPagesFor(size);
        run(seed, size, -(pages + 1) * PAGE);
    }

    private static long domainPagesFor(int size) {
        return size * 6L + 64;
    }

    private void run(long seed, int size, long base) {
        tree = new VmaTree();
        model = new VmaTreeReference();
        live = new ArrayList<>();
        rnd = new SplittableRandom(seed);
        this.base = base;
        this.domainPages = domainPagesFor(size);
        int checkEvery = size <= 300 ? 1 : size <= 3000 ? 64 : 4096;
        int gapEvery = size <= 2000 ? 1 : 512;
        long step = 0;
        while (live.size() < size) {
            randomStep(0.85, 0.05, step++, checkEvery, gapEvery);
        }
        checkAll();
        for (int i = 0; i < Math.min(size * 2, 20_000); i++) {
            randomStep(0.45, 0.45, step++, checkEvery, gapEvery);
        }
        checkAll();
        while (!live.isEmpty()) {
            randomStep(0.1, 0.8, step++, checkEvery, gapEvery);
        }
        checkAll();
        assertThat(tree.size()).isZero();
        assertThat(tree.height).isZero();
    }

    private void randomStep(double insertShare, double removeShare, long step, int checkEvery, int gapEvery) {
        double r = rnd.nextDouble();
        if (r < insertShare) {
            insertRandom();
        } else if (r < insertShare + removeShare) {
            removeRandom();
        } else {
            resizeRandom();
        }
        queryRandom();
        if (step % gapEvery == 0) {
            gapSearchRandom();
        }
        if (step % checkEvery == 0) {
            checkAll();
        }
    }

    private long page(long p) {
        return base + p * PAGE;
    }

    private long randomLength() {
        return rnd.nextInt(2) == 0 ? 1 : 1 + rnd.nextInt(8);
    }

    private void insertRandom() {
        for (int attempt = 0; attempt < 8; attempt++) {
            long p = rnd.nextLong(domainPages);
            long len = Math.min(randomLength(), domainPages - p);
            long start = page(p);
            long end = page(p + len);
            if (model.findIntersection(start, end) == null) {
                long flags = rnd.nextInt(16) == 0 ? VmFlags.VM_GROWSDOWN : VmFlags.VM_READ;
                Vma v = new Vma(start, end, flags, start >>> 12, null);
                tree.insert(v);
                model.insert(v);
                live.add(v);
                return;
            }
        }
    }

    private void removeRandom() {
        if (live.isEmpty()) {
            return;
        }
        int i = rnd.nextInt(live.size());
        Vma v = live.get(i);
        live.set(i, live.get(live.size() - 1));
        live.remove(live.size() - 1);
        tree.remove(v);
        model.remove(v);
        assertThat(tree.lookup(v.start)).isNull();
    }

    private void resizeRandom() {
        if (live.isEmpty()) {
            return;
        }
        Vma v = live.get(rnd.nextInt(live.size()));
        long ns;
        long ne;
        if (rnd.nextBoolean()) {
            // stretch or shrink either edge, possibly up to a neighbour
            ns = v.start + (rnd.nextInt(5) - 2) * PAGE;
            ne = v.end + (rnd.nextInt(5) - 2) * PAGE;
        } else {
            long p = rnd.nextLong(domainPages);
            ns = page(p);
            ne = page(Math.min(p + randomLength(), domainPages));
        }
        if (Long.compareUnsigned(ns, ne) >= 0
                || Long.compareUnsigned(ns, base) < 0
                || Long.compareUnsigned(ne, page(domainPages)) > 0
                || !freeExcept(ns, ne, v)) {
            return;
        }
        long oldStart = v.start;
        tree.resize(v, ns, ne);
        model.rekey(oldStart, v);
        assertThat(v.start()).isEqualTo(ns);
        assertThat(v.end()).isEqualTo(ne);
    }

    private boolean freeExcept(long start, long end, Vma self) {
        for (Vma o = model.find(start); o != null && Long.compareUnsigned(o.start, end) < 0; o = model.next(o)) {
            if (o != self) {
                return false;
            }
        }
        return true;
    }

    private long randomAddress() {
        switch (rnd.nextInt(12)) {
            case 0 -> {
                return 0;
            }
            case 1 -> {
                return -1;
            }
            case 2 -> {
                return base - 1;
            }
            case 3 -> {
                return 1L << 47;
            }
            default -> {
                long a = page(rnd.nextLong(domainPages + 1));
                int off = rnd.nextInt(3);
                return off == 0 ? a : off == 1 ? a + 1 : a - 1;
            }
        }
    }

    private void queryRandom() {
        long addr = randomAddress();
        assertThat(tree.find(addr)).as("find %x", addr).isSameAs(model.find(addr));
        assertThat(tree.lookup(addr)).as("lookup %x", addr).isSameAs(model.lookup(addr));
        long end = addr + rnd.nextInt(4) * PAGE + 1;
        assertThat(tree.findIntersection(addr, end))
                .as("findIntersection %x", addr)
                .isSameAs(model.findIntersection(addr, end));
        Vma probe = live.isEmpty() || rnd.nextBoolean()
                ? new Vma(addr, addr + PAGE, 0, 0, null)
                : live.get(rnd.nextInt(live.size()));
        assertThat(tree.prev(probe)).as("prev %s", probe).isSameAs(model.prev(probe));
        assertThat(tree.next(probe)).as("next %s", probe).isSameAs(model.next(probe));
        assertThat(tree.first()).isSameAs(model.first());
        assertThat(tree.last()).isSameAs(model.last());
        assertThat(tree.size()).isEqualTo(model.size());
    }

    private void gapSearchRandom() {
        long length = (1 + rnd.nextInt(4)) * PAGE;
        long low = rnd.nextInt(8) == 0 ? 0 : page(rnd.nextLong(domainPages + 1));
        long high = rnd.nextInt(8) == 0 ? -PAGE : page(rnd.nextLong(domainPages + 1));
        long alignMask = ALIGN_MASKS[rnd.nextInt(ALIGN_MASKS.length)];
        long guard = rnd.nextBoolean() ? 0 : GUARD;
        assertThat(tree.unmappedAreaTopdown(length, low, high, alignMask, guard))
                .as("unmappedAreaTopdown(%x, %x, %x, %x, %x)", length, low, high, alignMask, guard)
                .isEqualTo(model.unmappedAreaTopdown(length, low, high, alignMask, guard));
        assertThat(tree.unmappedArea(length, low, high, alignMask, guard))
                .as("unmappedArea(%x, %x, %x, %x, %x)", length, low, high, alignMask, guard)
                .isEqualTo(model.unmappedArea(length, low, high, alignMask, guard));
    }

    private void checkAll() {
        List<Vma> inTree = VmaTreeChecker.check(tree);
        List<Vma> inModel = new ArrayList<>();
        model.inOrder().forEach(inModel::add);
        assertThat(inTree).containsExactlyElementsOf(inModel);
    }
}
