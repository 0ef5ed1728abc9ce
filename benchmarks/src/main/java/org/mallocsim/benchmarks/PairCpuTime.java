package org.mallocsim.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.AllocatorFactory;
import org.mallocsim.allocator.Allocators;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

/**
 * {@link PtmallocPathBenchmark}'s pairs timed by the thread's CPU clock instead of the wall clock,
 * beside {@code ALLOC_CLOCK=cpu alloc_baseline} ({@code benchmarks/alloc-run.sh} runs both). On a
 * host whose load average is ten times its cores, the wall clock of a one-second JMH iteration
 * is mostly time spent descheduled, and the same jar gave figures apart by half from run to run;
 * a thread's CPU time leaves that out (not the cache and core sharing with other guests).
 *
 * <p>The same workload as the JMH benchmark (the table of live blocks, the precomputed indexes,
 * one free and one malloc per pair); each round is {@link #PAIRS} pairs, the first
 * {@link #WARMUP_ROUNDS} warm the JIT up, and the best and median of the rest are printed as
 * {@code cpu-<path> <best> <median>} in ns per pair.
 */
public final class PairCpuTime {
    static final int PAIRS = 2_000_000;
    static final int WARMUP_ROUNDS = 6;
    static final int ROUNDS = 8;

    private PairCpuTime() {}

    /** {@code PairCpuTime tcache,fastbin,smallbin,large}. */
    public static void main(String[] args) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (String path : (args.length > 0 ? args[0] : "tcache,fastbin,smallbin,large").split(",", -1)) {
            PairWorkload work = new PairWorkload(path);
            Allocator allocator = Allocators.factory("glibc")
                    .create(
                            new AddressSpace(KernelConfig.defaults()),
                            work.tunables == null ? Map.of() : Map.of(AllocatorFactory.TUNABLES, work.tunables));
            long[] slots = new long[PairWorkload.SLOTS];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = allocator.malloc(work.sizes[i]);
            }
            double[] ns = new double[ROUNDS];
            int cursor = 0;
            for (int round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
                long start = mx.getCurrentThreadCpuTime();
                for (int k = 0; k < PAIRS; k++) {
                    int i = work.indices[cursor++ & (PairWorkload.INDICES - 1)];
                    allocator.free(slots[i]);
                    slots[i] = allocator.malloc(work.sizes[i]);
                    sink += slots[i];
                }
                if (round >= 0) {
                    ns[round] = (mx.getCurrentThreadCpuTime() - start) / (double) PAIRS;
                }
            }
            java.util.Arrays.sort(ns);
            System.out.printf("cpu-%s %.2f %.2f%n", path, ns[0], (ns[ROUNDS / 2 - 1] + ns[ROUNDS / 2]) / 2);
        }
        if (sink == 1) {
            System.out.println(); // keeps the pointers observable
        }
    }
}
