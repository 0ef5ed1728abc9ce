package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** GLIBC_TUNABLES, mallopt and the tcache key. */
class TunablesTest {

    @Test
    void parseReadsMallocTunablesAndIgnoresUnknownNamesAndValuesOutOfRange() {
        Tunables t = Tunables.parse("glibc.malloc.tcache_count=0:glibc.malloc.perturb=300:glibc.malloc.mxfast=0x40:"
                + "glibc.rtld.nns=2:glibc.malloc.arena_max=0:glibc.malloc.bogus=1");
        assertThat(t.toString()).isEqualTo("glibc.malloc.tcache_count=0:glibc.malloc.mxfast=64");
        assertThat(t.isSet(Tunables.PERTURB)).isFalse();
        assertThat(t.isSet(Tunables.ARENA_MAX)).isFalse();
    }

    @Test
    void theBuilderRefusesValuesOutsideATunablesRange() {
        assertThatThrownBy(() -> Tunables.builder().perturb(256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tunables.builder().arenaTest(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tunables.builder().mmapMax(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tcacheMaxLimitsWhichSizesAreCached() {
        Heap h = new Heap(Tunables.builder().tcacheMax(100).build());
        long a = h.malloc(100);
        long b = h.malloc(120);
        h.malloc(16);
        h.free(a);
        h.free(b);
        assertThat(h.as.load64(h.pm.tcache() + TcachePerthread.ENTRIES + 5 * 8)).isEqualTo(a);
        assertThat(h.as.load64(MallocState.fastbin(h.pm.mainArena(), 6))).isEqualTo(b - 16);
    }

    @Test
    void mxfastZeroSendsSmallChunksToUnsorted() {
        Heap h = new Heap(Tunables.builder().tcacheCount(0).mxfast(0).build());
        long a = h.malloc(24);
        h.malloc(16);
        h.free(a);
        long unsorted = MallocState.unsortedChunks(h.pm.mainArena());
        assertThat(h.as.load64(unsorted + Chunk.FD)).isEqualTo(a - 16);
    }

    @Test
    void malloptSetsParametersAndRejectsAnOversizedMxfast() {
        Heap h = new Heap();
        assertThat(h.pm.mallopt(MallOpt.M_MXFAST, 161)).isZero();
        assertThat(h.pm.mallopt(MallOpt.M_MXFAST, 160)).isEqualTo(1);
        assertThat(h.as.load64(h.pm.libcData() + LibcData.GLOBAL_MAX_FAST)).isEqualTo(0xa0 + 0x8 & ~15L);
        assertThat(h.pm.mallopt(MallOpt.M_TOP_PAD, 0)).isEqualTo(1);
        h.malloc(16);
        assertThat(h.brkOff()).isEqualTo(0x1000);
    }

    @Test
    void perturbFillsFreedAndFreshMemory() {
        Heap h = new Heap(Tunables.builder().perturb(0x5a).tcacheCount(0).build());
        long a = h.malloc(40);
        assertThat(h.as.load8(a)).isEqualTo(0x5a ^ 0xff);
        h.malloc(16);
        h.free(a);
        assertThat(h.as.load8(a + 16)).isEqualTo(0x5a);
    }

    @Test
    void theTcacheKeyIsReproducibleByDefaultAndFollowsItsSeed() {
        Heap a = new Heap();
        Heap b = new Heap();
        Heap c = new Heap(Tunables.builder().tcacheKeySeed(42).build());
        a.malloc(1);
        b.malloc(1);
        c.malloc(1);
        assertThat(a.pm.tcacheKey()).isEqualTo(b.pm.tcacheKey()).isNotZero();
        assertThat(c.pm.tcacheKey()).isNotEqualTo(a.pm.tcacheKey());
        Heap r = new Heap(Tunables.builder().randomTcacheKey().build());
        r.malloc(1);
        assertThat(r.pm.tcacheKey()).isNotEqualTo(a.pm.tcacheKey());
    }

    @Test
    void aFreedChunkInTheTcacheCarriesTheKey() {
        Heap h = new Heap();
        long a = h.malloc(24);
        h.free(a);
        assertThat(h.as.load64(a + 8)).isEqualTo(h.pm.tcacheKey());
        assertThat(h.malloc(24)).isEqualTo(a);
        assertThat(h.as.load64(a + 8)).isZero();
    }

    @Test
    void theEnvironmentsAliasesApplyAndGlibcTunablesWins() {
        Tunables t = Tunables.fromEnvironment(java.util.Map.of(
                "MALLOC_TOP_PAD_",
                "4096",
                "MALLOC_ARENA_MAX",
                "2",
                "MALLOC_PERTURB_",
                "999",
                "GLIBC_TUNABLES",
                "glibc.malloc.arena_max=3",
                "nprocs",
                "4",
                "HOME",
                "/root"));
        assertThat(t.toString()).isEqualTo("glibc.malloc.top_pad=4096:glibc.malloc.arena_max=3");
        assertThat(t.nprocs()).isEqualTo(4);
    }

    @Test
    void theRegisteredGlibcPolicyReadsItsOptions() {
        var space = new org.mallocsim.kernel.mm.AddressSpace(org.mallocsim.kernel.mm.KernelConfig.defaults());
        var a = org.mallocsim.allocator.Allocators.factory("glibc")
                .create(space, java.util.Map.of("GLIBC_TUNABLES", "glibc.malloc.top_pad=0"));
        long p = a.malloc(16);
        assertThat(p - space.startBrk()).isEqualTo(0x2a0);
        assertThat(space.currentBrk() - space.startBrk()).isEqualTo(0x1000);
    }
}
