package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mallocsim.allocator.Allocators;
import org.mallocsim.traces.natives.NativeReplayer.Touch;

/** Johnstone and Wilson's measures on hand-made traces whose answers can be worked out on paper. */
class HeapMetricsTest {
    @TempDir
    Path tmp;

    /** malloc A 1000, malloc B 3000, free A, malloc C 500, free B, free C. */
    private Path sixCalls() throws IOException {
        Path t = tmp.resolve("six.mrec");
        Files.writeString(
                t,
                "# mrec 1 glibc 2.36 nprocs 2\n"
                        + "1 m 1000 = 0x1010 0x0 0x0\n"
                        + "1 m 3000 = 0x2010 0x0 0x0\n"
                        + "1 f 0x1010 = 0x0 0x0 0x0\n"
                        + "1 m 500 = 0x3010 0x0 0x0\n"
                        + "1 f 0x2010 = 0x0 0x0 0x0\n"
                        + "1 f 0x3010 = 0x0 0x0 0x0\n");
        return t;
    }

    @Test
    void bumpsMeasuresAreTheOnesWorkedOutByHand() throws IOException {
        HeapMetrics h =
                ReplayEngine.replay(sixCalls(), ReplayOptions.of("bump")).heap();
        // bump's heap: its state page, then brk in whole pages. A (chunk 0x3f0) takes the first page
        // (8 KiB of heap), B (0xbc0) still fits in it, C (0x200) needs a second page (12 KiB).
        assertThat(h.peakLiveBytes()).isEqualTo(4000);
        assertThat(h.heapAtPeakLive()).isEqualTo(8192);
        assertThat(h.fragmentationAtPeakLive()).isCloseTo(104.8, within(1e-9));
        assertThat(h.peakHeapBytes()).isEqualTo(12288);
        assertThat(h.liveAtPeakHeap()).as("B and C").isEqualTo(3500);
        assertThat(h.fragmentationAtPeakHeap()).isCloseTo(100.0 * (12288 - 3500) / 3500, within(1e-9));
        assertThat(h.peakHeapOverPeakLive()).isCloseTo(207.2, within(1e-9));
        assertThat(h.internalAtPeakHeap())
                .as("B's 3000 usable for 3000, C's 504 for 500")
                .isEqualTo(4);
        assertThat(h.externalAtPeakHeap()).isEqualTo(12288 - 3504);
        double mean = (8192 / 1000.0 + 8192 / 4000.0 + 8192 / 3000.0 + 12288 / 3500.0 + 12288 / 500.0) / 5;
        assertThat(h.meanHeapOverLive())
                .as("the last call leaves nothing live and is not sampled")
                .isCloseTo(mean, within(1e-9));
        assertThat(h.finalLiveBytes()).isZero();
        assertThat(h.finalInternalBytes()).isZero();
        assertThat(h.finalFreeBytes())
                .as("both brk pages are free in bump's account")
                .isEqualTo(8192);
        assertThat(h.finalMetadataBytes()).as("the state page").isEqualTo(4096);
        assertThat(h.calls()).isEqualTo(6);
    }

    @Test
    void firstFitReusesAsFreedAndSoStaysAtItsFirstHeap() throws IOException {
        HeapMetrics h =
                ReplayEngine.replay(sixCalls(), ReplayOptions.of("first-fit")).heap();
        // state page + one brk step: the request, TOP_PAD and a chunk's worth, in whole pages
        long firstStep = 4096 + ((16 + 1008 + 131072 + 32 + 4095) & -4096);
        assertThat(h.peakHeapBytes()).isEqualTo(firstStep);
        assertThat(h.heapAtPeakLive()).isEqualTo(firstStep);
        assertThat(h.liveAtPeakHeap()).as("the heap peaked at the first call").isEqualTo(1000);
        assertThat(h.internalAtPeakHeap())
                .as("1000 bytes in a chunk of 1008: 1000 usable")
                .isZero();
        assertThat(h.finalFreeBytes())
                .as("one free chunk: the brk heap less its fence")
                .isEqualTo(firstStep - 4096);
        assertThat(h.finalMetadataBytes()).isEqualTo(4096);
    }

    @Test
    void aPolicysCostCountsOnlyItsOwnAccessesNotTheEnginesTouching() throws IOException {
        HeapMetrics none =
                ReplayEngine.replay(sixCalls(), ReplayOptions.of("first-fit")).heap();
        HeapMetrics bytes = ReplayEngine.replay(
                        sixCalls(), ReplayOptions.of("first-fit").withTouch(Touch.BYTE))
                .heap();
        assertThat(none.accesses()).isPositive().isEqualTo(bytes.accesses());
        assertThat(none.accessesPerCall()).isEqualTo(none.accesses() / 6.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"glibc", "bump", "first-fit", "next-fit", "best-fit", "segfit", "tlsf", "buddy", "pages"})
    void onAGeneratedTraceTheHeapHoldsTheUsableBytesWhichHoldTheLiveOnes(String policy) throws IOException {
        assertThat(Allocators.names()).contains(policy);
        Path t = tmp.resolve("gen.mrec");
        ReplayEngineTest.generate(t, org.mallocsim.traces.gen.WorkloadGenerator.Shape.SIMPLE, 3, 3_000, 1, 500);
        ReplayResult r = ReplayEngine.replay(t, ReplayOptions.of(policy));
        HeapMetrics h = r.heap();
        assertThat(r.completed()).isTrue();
        assertThat(h.peakHeapBytes())
                .isGreaterThanOrEqualTo(h.heapAtPeakLive())
                .isGreaterThanOrEqualTo(h.peakLiveBytes());
        assertThat(h.usableAtPeakHeap()).isBetween(h.liveAtPeakHeap(), h.peakHeapBytes());
        assertThat(h.finalUsableBytes()).isBetween(h.finalLiveBytes(), h.finalHeapBytes());
        assertThat(h.finalMetadataBytes()).isNotNegative();
        assertThat(h.peakRssPages() * 4096).isLessThanOrEqualTo(r.mm().hiwaterRss() * 4096);
        assertThat(h.calls()).isEqualTo(r.calls());
    }
}
