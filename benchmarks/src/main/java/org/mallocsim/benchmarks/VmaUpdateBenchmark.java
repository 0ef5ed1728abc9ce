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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * An anonymous one-page mmap + munmap pair — a new VMA that merges with nothing — with {@code size}
 * VMAs in the address space, laid out as benchmarks/src/main/c/kernel_baseline.c lays them out in a
 * real process (one-page mappings of alternating protection, placed top-down by the kernel), so
 * {@code run.sh} can set the two side by side. A structure that is fast only while static fails here.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g"})
public class VmaUpdateBenchmark {

    @Param({"16", "1024", "65530"})
    int size;

    private AddressSpace mm;

    @Setup(Level.Trial)
    public void setUp() {
        mm = new AddressSpace(KernelConfig.defaults());
        for (int i = mm.mapCount(); i < size; i++) {
            int prot = (i & 1) != 0 ? Mman.PROT_READ : Mman.PROT_READ | Mman.PROT_WRITE;
            long a = mm.mmap(0, 4096, prot, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
            if (a < 0) {
                throw new IllegalStateException("mmap failed with errno " + -a + " at " + i + " VMAs");
            }
        }
        if (mm.mapCount() != size) {
            throw new IllegalStateException("expected " + size + " VMAs, have " + mm.mapCount());
        }
    }

    @Benchmark
    public long mmapMunmap() {
        long a = mm.mmap(0, 4096, Mman.PROT_READ | Mman.PROT_EXEC, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        return a + mm.munmap(a, 4096);
    }
}
