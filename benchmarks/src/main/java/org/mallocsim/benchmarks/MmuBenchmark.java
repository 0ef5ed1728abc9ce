package org.mallocsim.benchmarks;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.mallocsim.kernel.Page;
import org.mallocsim.kernel.paging.FaultHandler;
import org.mallocsim.kernel.paging.Mmu;
import org.mallocsim.kernel.paging.PageTable;
import org.mallocsim.kernel.paging.PhysicalMemory;
import org.mallocsim.kernel.paging.Pte;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The software TLB's hit path: {@code load64}/{@code store64} at random aligned addresses in a
 * small mapped region (every access a TLB hit), beside the same accesses straight on the direct
 * {@link ByteBuffer} slab that holds the region's frames. The difference is the cost of the
 * translation: one masked index, one tag compare, the entry's slab and addend.
 *
 * <p>Steady state as in Netty's {@code ByteBufAllocatorBenchmark}: a fixed table of precomputed
 * random offsets, one access per invocation, a cursor that wraps (JMH sample 11: no loops).
 * The region is 64 pages, well inside the 1024-entry TLB; a trivial fault handler maps zeroed
 * frames, and setup touches every page for writing so no fault or fill happens while measuring.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class MmuBenchmark {
    private static final int PAGES = 64;
    private static final long BASE = 0x5555_5555_0000L;
    private static final int OFFSETS = 1 << 12;
    private static final int OFFSET_MASK = OFFSETS - 1;

    private Mmu mmu;
    private ByteBuffer slab;
    /** Virtual addresses for the MMU and the matching slab offsets for the baseline: same frames, same order. */
    private long[] vaddrs;

    private int[] slabOffsets;
    private int cursor;
    private long value;

    @Setup(Level.Trial)
    public void setUp() {
        PhysicalMemory ram = new PhysicalMemory(2L << 30); // room for the home frames
        PageTable pageTable = new PageTable(ram);
        FaultHandler demandZero = (vaddr, errorCode) -> {
            long slot = pageTable.pteSlot(vaddr, true);
            long pfn = ram.allocZeroedFrameFor(vaddr); // as the kernel's anonymous faults do
            if (slot < 0 || pfn < 0) {
                throw new IllegalStateException("benchmark RAM too small");
            }
            ram.putLong(slot, Pte.make(pfn, Pte.PRESENT | Pte.RW | Pte.USER));
        };
        mmu = new Mmu(ram, pageTable, demandZero);
        for (int p = 0; p < PAGES; p++) {
            mmu.store64(BASE + (long) p * 4096, p);
        }
        SplittableRandom random = new SplittableRandom(42);
        vaddrs = new long[OFFSETS];
        slabOffsets = new int[OFFSETS];
        for (int i = 0; i < OFFSETS; i++) {
            long va = BASE + (random.nextLong(PAGES * 4096L) & -8L);
            vaddrs[i] = va;
            long pfn = Pte.pfn(pageTable.readPte(va));
            if (!ram.isHome(pfn, va)) {
                throw new IllegalStateException("a page outside its home frame: the hit would take the slow path");
            }
            long paddr = pfn << Page.PAGE_SHIFT | Page.offsetInPage(va);
            slabOffsets[i] = ram.slabOffset(paddr);
            ByteBuffer s = ram.slab(paddr >>> 12);
            if (slab != null && slab != s) {
                throw new IllegalStateException("region spans two slabs");
            }
            slab = s;
        }
    }

    @Benchmark
    public long load64() {
        return mmu.load64(vaddrs[cursor++ & OFFSET_MASK]);
    }

    @Benchmark
    public void store64() {
        mmu.store64(vaddrs[cursor++ & OFFSET_MASK], value++);
    }

    @Benchmark
    public long byteBufferGetLong() {
        return slab.getLong(slabOffsets[cursor++ & OFFSET_MASK]);
    }

    @Benchmark
    public void byteBufferPutLong() {
        slab.putLong(slabOffsets[cursor++ & OFFSET_MASK], value++);
    }
}
