package org.mallocsim.benchmarks;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
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
 * {@code find_vma} at random addresses: {@link VmaTree#find} against the usual Java index (a
 * {@code TreeMap<Long, Vma>} and its {@code floorEntry}, which alone already boxes and does less
 * than find_vma) and against the limit for an index that never changes, a branch-free binary search
 * over a sorted {@code long[]} of the same VMAs' ends.
 *
 * <p>The VMAs lie like a top-down process's mappings: one page each, one-page holes between them,
 * downwards from {@code 0x7ffff7fff000}. The addresses are drawn once, uniformly over the mapped
 * span, into a table that each call steps through, so half hit a VMA and half a hole.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class VmaLookupBenchmark {
    static final long PAGE = Page.PAGE_SIZE;
    static final long MMAP_BASE = 0x7ffff7fff000L;
    private static final int ADDRESSES = 1 << 16;

    @Param({"16", "1024", "65530"})
    int size;

    private long[] addresses;
    private int next;
    private VmaTree tree;
    private TreeMap<Long, Vma> treeMap;
    private long[] sortedEnds;
    private Vma[] sortedVmas;

    /** VMA i of a top-down layout of one-page VMAs with one-page holes: [top - (2i+2)P, top - (2i+1)P). */
    static Vma topDownVma(int i) {
        long start = MMAP_BASE - (2L * i + 2) * PAGE;
        long flags = (i & 1) == 0 ? VmFlags.VM_READ : VmFlags.VM_READ | VmFlags.VM_WRITE;
        return new Vma(start, start + PAGE, flags, start >>> 12, null);
    }

    @Setup
    public void setUp() {
        tree = new VmaTree();
        treeMap = new TreeMap<>();
        sortedEnds = new long[size];
        sortedVmas = new Vma[size];
        for (int i = 0; i < size; i++) {
            Vma v = topDownVma(i);
            tree.insert(v);
            treeMap.put(v.start(), v);
            sortedEnds[size - 1 - i] = v.end();
            sortedVmas[size - 1 - i] = v;
        }
        long lowest = sortedVmas[0].start();
        long span = MMAP_BASE - lowest;
        SplittableRandom rnd = new SplittableRandom(42);
        addresses = new long[ADDRESSES];
        for (int i = 0; i < ADDRESSES; i++) {
            addresses[i] = lowest + rnd.nextLong(span);
        }
    }

    private long nextAddress() {
        int i = next;
        next = (i + 1) & (ADDRESSES - 1);
        return addresses[i];
    }

    @Benchmark
    public Vma findVma() {
        return tree.find(nextAddress());
    }

    @Benchmark
    public Vma treeMapFloorEntry() {
        Map.Entry<Long, Vma> e = treeMap.floorEntry(nextAddress());
        return e == null ? null : e.getValue();
    }

    /** The first end above addr, by halving without branches (Khuong and Morin, 2017). */
    @Benchmark
    public Vma sortedArrayBinarySearch() {
        long addr = nextAddress();
        long[] a = sortedEnds;
        int lo = 0;
        int n = a.length;
        while (n > 1) {
            int half = n >>> 1;
            lo = a[lo + half] <= addr ? lo + half : lo;
            n -= half;
        }
        lo += a[lo] <= addr ? 1 : 0;
        return lo < a.length ? sortedVmas[lo] : null;
    }
}
