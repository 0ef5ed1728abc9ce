package org.mallocsim.benchmarks;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.mallocsim.allocator.Allocator;
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
 * One free and one malloc of every allocation policy in steady state, as Netty's
 * {@code ByteBufAllocatorBenchmark}: a fixed table of {@value #SLOTS} live blocks, precomputed
 * random slots and sizes (mostly small, a few up to 4 KiB), one slot replaced per invocation, a
 * cursor that wraps (bump, which never reuses, would only grow). glibc's ptmalloc, measured in the same run, is the baseline for the ratios;
 * {@code -prof gc} shows what each policy's calls allocate on the Java heap (0 B/op expected).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PolicyBenchmark {
    private static final int SLOTS = 4096;
    private static final int STEPS = 1 << 16;

    @Param({"glibc", "first-fit", "next-fit", "best-fit", "segfit", "tlsf", "buddy", "pages"})
    public String policy;

    private Allocator allocator;
    private final long[] live = new long[SLOTS];
    private int[] slots;
    private long[] sizes;
    private int cursor;

    @Setup(Level.Trial)
    public void setUp() {
        AddressSpace space = new AddressSpace(KernelConfig.defaults());
        allocator = Allocators.factory(policy).create(space, Map.of());
        SplittableRandom random = new SplittableRandom(42);
        slots = new int[STEPS];
        sizes = new long[STEPS];
        for (int i = 0; i < STEPS; i++) {
            slots[i] = random.nextInt(SLOTS);
            sizes[i] = random.nextInt(100) < 90 ? 8 + random.nextInt(248) : 256 + random.nextInt(3840);
        }
        for (int i = 0; i < SLOTS; i++) {
            live[i] = allocator.malloc(sizes[i]);
        }
    }

    /** free of one live block, malloc of the next size into its slot. */
    @Benchmark
    public long freeThenMalloc() {
        int i = cursor;
        cursor = (i + 1) & (STEPS - 1);
        int slot = slots[i];
        allocator.free(live[slot]);
        long p = allocator.malloc(sizes[i]);
        live[slot] = p;
        return p;
    }
}
