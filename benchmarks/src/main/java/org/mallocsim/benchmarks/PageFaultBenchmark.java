package org.mallocsim.benchmarks;

import java.util.concurrent.TimeUnit;
import org.mallocsim.kernel.Mman;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A demand-zero write fault on a private anonymous page: TLB miss, page-table walk, VMA lookup,
 * a frame from the free list, zeroing, PTE. Each operation writes the first word of the next
 * untouched page of a 64 MiB region; after the last page the region is given MADV_DONTNEED and
 * the walk starts again, exactly as kernel_baseline.c does on the real kernel ({@code run.sh}
 * sets the two side by side), so both figures include the zap.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g"})
public class PageFaultBenchmark {
    private static final int PAGES = 16384;

    private AddressSpace mm;
    private long region;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        mm = new AddressSpace(KernelConfig.defaults());
        region = mm.mmap(
                0, (long) PAGES << 12, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        if (region < 0) {
            throw new IllegalStateException("mmap failed with errno " + -region);
        }
    }

    @Benchmark
    public void demandZeroWriteFault() {
        if (next == PAGES) {
            mm.madvise(region, (long) PAGES << 12, Mman.MADV_DONTNEED);
            next = 0;
        }
        mm.store64(region + ((long) next++ << 12), 1L);
    }
}
