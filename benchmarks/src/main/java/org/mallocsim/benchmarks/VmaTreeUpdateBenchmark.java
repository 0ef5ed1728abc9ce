package org.mallocsim.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.mallocsim.kernel.Page;
import org.mallocsim.kernel.mm.VmFlags;
import org.mallocsim.kernel.mm.Vma;
import org.mallocsim.kernel.mm.VmaTree;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The index's share of an {@code mmap} + {@code munmap} pair of one page: find the hole with
 * {@link VmaTree#unmappedAreaTopdown}, insert a VMA there (it merges with nothing: the neighbours have
 * other protections), remove it again, which leaves the tree as it was (steady state).
 *
 * <p>The tree holds one-page VMAs with one-page holes, downwards from {@code mmap_base}, the highest
 * VMA ending at it. {@code topHole} searches below {@code mmap_base}, as mmap does, so it always
 * lands in the same hole at the right edge of the tree; {@code randomHole} lowers the search's upper
 * limit to a precomputed random VMA's end, so every call walks to and changes a random leaf.
 * {@code gapSearchOnly} is the search of {@code randomHole} alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class VmaTreeUpdateBenchmark {
    private static final long PAGE = Page.PAGE_SIZE;
    private static final long MMAP_BASE = 0x7ffff7fff000L;
    private static final long LOW = 0x10000;
    private static final long GUARD = 256 * PAGE;
    private static final int HOLES = 1 << 12;

    @Param({"16", "1024", "65530"})
    int size;

    private VmaTree tree;
    private Vma topVma;
    private long[] highs;
    private Vma[] holeVmas;
    private int next;

    @Setup
    public void setUp() {
        tree = new VmaTree();
        for (int i = 0; i < size; i++) {
            long start = MMAP_BASE - (2L * i + 1) * PAGE;
            tree.insert(new Vma(start, start + PAGE, VmFlags.VM_READ, start >>> 12, null));
        }
        topVma = newVma(MMAP_BASE - 2 * PAGE);
        SplittableRandom rnd = new SplittableRandom(42);
        highs = new long[HOLES];
        holeVmas = new Vma[HOLES];
        for (int i = 0; i < HOLES; i++) {
            int k = rnd.nextInt(size);
            highs[i] = MMAP_BASE - 2L * k * PAGE;
            holeVmas[i] = newVma(MMAP_BASE - (2L * k + 2) * PAGE);
        }
    }

    private static Vma newVma(long start) {
        return new Vma(start, start + PAGE, VmFlags.VM_READ | VmFlags.VM_WRITE, start >>> 12, null);
    }

    @Benchmark
    public long topHole() {
        long a = tree.unmappedAreaTopdown(PAGE, LOW, MMAP_BASE, 0, GUARD);
        return insertAndRemove(a, topVma);
    }

    @Benchmark
    public long randomHole() {
        int i = next;
        next = (i + 1) & (HOLES - 1);
        long a = tree.unmappedAreaTopdown(PAGE, LOW, highs[i], 0, GUARD);
        return insertAndRemove(a, holeVmas[i]);
    }

    @Benchmark
    public long gapSearchOnly() {
        int i = next;
        next = (i + 1) & (HOLES - 1);
        return tree.unmappedAreaTopdown(PAGE, LOW, highs[i], 0, GUARD);
    }

    private long insertAndRemove(long a, Vma v) {
        if (a != v.start()) {
            throw new IllegalStateException("hole at " + Long.toHexString(a) + ", expected " + v);
        }
        tree.insert(v);
        tree.remove(v);
        return a;
    }
}
