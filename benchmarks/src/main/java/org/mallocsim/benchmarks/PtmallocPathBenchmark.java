package org.mallocsim.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.AllocatorFactory;
import org.mallocsim.allocator.Allocators;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One free + malloc pair of the emulated ptmalloc (the "glibc" policy) on one of its paths:
 * tcache, fastbin, smallbin or large (see {@link PairWorkload} for the sizes and settings that
 * choose each path). The same pairs run on the real glibc in
 * {@code benchmarks/src/main/c/alloc_baseline.c}; {@code benchmarks/run.sh} prints the ratio.
 *
 * <p>Steady state as in Netty's {@code ByteBufAllocatorBenchmark}: a fixed table of
 * {@link PairWorkload#SLOTS} live blocks, filled in setup, and precomputed random slot indexes;
 * each invocation frees one slot and refills it with the slot's size (JMH sample 11: no loops).
 * Every header access goes through the emulated MMU, as in a replay.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class PtmallocPathBenchmark {
    @Param({"tcache", "fastbin", "smallbin", "large"})
    public String path;

    private Allocator allocator;
    private PairWorkload work;
    private long[] slots;
    private int cursor;

    @Setup(Level.Trial)
    public void setUp() {
        work = new PairWorkload(path);
        AllocatorFactory glibc = Allocators.factory("glibc");
        allocator = glibc.create(
                new AddressSpace(KernelConfig.defaults()),
                work.tunables == null ? Map.of() : Map.of(AllocatorFactory.TUNABLES, work.tunables));
        slots = new long[PairWorkload.SLOTS];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = allocator.malloc(work.sizes[i]);
            if (slots[i] == 0) {
                throw new IllegalStateException("malloc(" + work.sizes[i] + ") failed in setup");
            }
        }
    }

    @Benchmark
    public long mallocFree() {
        int i = work.indices[cursor++ & (PairWorkload.INDICES - 1)];
        allocator.free(slots[i]);
        long p = allocator.malloc(work.sizes[i]);
        slots[i] = p;
        return p;
    }
}
