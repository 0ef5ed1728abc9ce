package org.mallocsim.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mallocsim.allocator.Allocators;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

/** The malloc family and the heap views in an emulated shell, as golden transcripts. */
class ShellMallocTest {

    private static Shell shell(ByteArrayOutputStream buf) {
        return new Shell(
                new EmulatedBackend(new AddressSpace(KernelConfig.defaults())),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
    }

    private static String run(String... lines) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Shell shell = shell(buf);
        for (int i = 0; i < lines.length; i++) {
            shell.execute(lines[i], i + 1);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aMallocShowsItsBrksTheHeapViewsShowTheChunksAndADoubleFreeKillsTheProcess() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Shell shell = shell(buf);
        String[] lines = {
            "a = malloc(24)",
            "b = malloc(24)",
            "c = malloc(0x500)",
            "g = malloc(24)",
            "free(a)",
            "free(c)",
            "heap",
            "vis a-16 6",
            "free(b)",
            "free(b)",
            "malloc(1)"
        };
        for (int i = 0; i < lines.length; i++) {
            shell.execute(lines[i], i + 1);
        }
        assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo("""
                        brk(NULL) = 0x555555559000
                        brk(0x55555557a000) = 0x55555557a000
                        malloc(24) = 0x5555555592a0
                        malloc(24) = 0x5555555592c0
                        malloc(1280) = 0x5555555592e0
                        malloc(24) = 0x5555555597f0
                        free(0x5555555592a0) = <void>
                        free(0x5555555592e0) = <void>
                        arena 0 (main)
                          +0x000000  0x000290 --P  in use
                          +0x000290  0x000020 --P  tcache 0
                          +0x0002b0  0x000020 --P  in use
                          +0x0002d0  0x000510 --P  unsorted
                          +0x0007e0  0x000020 ---  in use
                          +0x000800  0x020800 --P  top
                        + 0x555555559290  0x0000000000000000  0x0000000000000021  size 0x20 P
                          0x5555555592a0  0x0000000555555559  0x38b00a5dedd00bf7
                        + 0x5555555592b0  0x0000000000000000  0x0000000000000021  size 0x20 P
                          0x5555555592c0  0x0000000000000000  0x0000000000000000
                        + 0x5555555592d0  0x0000000000000000  0x0000000000000511  size 0x510 P
                          0x5555555592e0  0x00007ffff7ffd060  0x00007ffff7ffd060
                        free(0x5555555592c0) = <void>
                        mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7ffc000
                        free(): double free detected in tcache 2
                        +++ killed by SIGABRT +++
                        """);
        assertThat(shell.finished()).isTrue();
        assertThat(shell.exitCode()).isEqualTo(128 + 6);
    }

    @Test
    void theFirstMallocShowsItsBrksAMmappedChunkItsMmapAndMunmapAndMalloptTakesConstantNames() {
        assertThat(run(
                        "mallopt(M_MMAP_THRESHOLD, 65536)",
                        "p = malloc(200000)",
                        "free(p)",
                        "mallopt(M_MXFAST, 1000)",
                        "q = posix_memalign(3, 8)",
                        "malloc(-1)",
                        "free(NULL)"))
                .isEqualTo("""
                        mallopt(M_MMAP_THRESHOLD, 65536) = 1
                        brk(NULL) = 0x555555559000
                        brk(0x55555557a000) = 0x55555557a000
                        mmap(NULL, 200704, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7fcc000
                        malloc(200000) = 0x7ffff7fcc010
                        munmap(0x7ffff7fcc000, 200704) = 0
                        free(0x7ffff7fcc010) = <void>
                        mallopt(M_MXFAST, 1000) = 0
                        posix_memalign(&q, 3, 8) = 22 (EINVAL)
                        malloc(18446744073709551615) = nil
                        free(nil) = <void>
                        """);
    }

    @Test
    void aWildFreeDiesOfSigsegvAndAWrongArgumentCountIsALineError() {
        assertThat(run("malloc(1, 2)", "free(0x10)", "malloc(1)")).isEqualTo("""
                # line 1: expected 1 argument to malloc, got 2
                +++ killed by SIGSEGV +++
                """);
    }

    @Test
    void expressionsComputeASafeLinkedPointer() {
        assertThat(run(
                        "b = brk(NULL)",
                        "p = mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)",
                        "store64(p, b>>12^0x5555555592a0)",
                        "store64(p+8, 1<<4&0x30)"))
                .isEqualTo("""
                        brk(NULL) = 0x555555559000
                        mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7ffe000
                        store64(0x7ffff7ffe000, 0x55500000c7f9) = 0
                        store64(0x7ffff7ffe008, 0x10) = 0
                        """);
    }

    @Test
    void theBinViewsFollowTheTcacheFastbinsAndBinsAsTheyFillAndConsolidate() {
        assertThat(run(
                        "a1 = malloc(24)",
                        "a2 = malloc(24)",
                        "a3 = malloc(24)",
                        "a4 = malloc(24)",
                        "a5 = malloc(24)",
                        "a6 = malloc(24)",
                        "a7 = malloc(24)",
                        "a = malloc(24)",
                        "c = malloc(0x500)",
                        "d = malloc(0x500)",
                        "g = malloc(24)",
                        "free(a1)",
                        "free(a2)",
                        "free(a3)",
                        "free(a4)",
                        "free(a5)",
                        "free(a6)",
                        "free(a7)",
                        "free(a)",
                        "free(c)",
                        "tcache",
                        "fastbins",
                        "bins",
                        "malloc(0x600)",
                        "bins",
                        "arena"))
                .isEqualTo("""
                        brk(NULL) = 0x555555559000
                        brk(0x55555557a000) = 0x55555557a000
                        malloc(24) = 0x5555555592a0
                        malloc(24) = 0x5555555592c0
                        malloc(24) = 0x5555555592e0
                        malloc(24) = 0x555555559300
                        malloc(24) = 0x555555559320
                        malloc(24) = 0x555555559340
                        malloc(24) = 0x555555559360
                        malloc(24) = 0x555555559380
                        malloc(1280) = 0x5555555593a0
                        malloc(1280) = 0x5555555598b0
                        malloc(24) = 0x555555559dc0
                        free(0x5555555592a0) = <void>
                        free(0x5555555592c0) = <void>
                        free(0x5555555592e0) = <void>
                        free(0x555555559300) = <void>
                        free(0x555555559320) = <void>
                        free(0x555555559340) = <void>
                        free(0x555555559360) = <void>
                        free(0x555555559380) = <void>
                        free(0x5555555593a0) = <void>
                        tcachebins (0x555555559010)
                        0x20 [  7]: 0x555555559360 -> 0x555555559340 -> 0x555555559320 -> 0x555555559300 -> 0x5555555592e0 -> 0x5555555592c0 -> 0x5555555592a0 -> 0
                        fastbins (arena 0x7ffff7ffd000)
                        0x20: 0x555555559370 -> 0
                        0x30: 0
                        0x40: 0
                        0x50: 0
                        0x60: 0
                        0x70: 0
                        0x80: 0
                        0x90: 0
                        0xa0: 0
                        0xb0: 0
                        bins (arena 0x7ffff7ffd000)
                        unsorted: 0x555555559390 (0x510) -> bin
                        malloc(1536) = 0x555555559de0
                        bins (arena 0x7ffff7ffd000)
                        largebin 68: 0x555555559370 (0x530) -> bin
                        arena 0 (main) at 0x7ffff7ffd000: flags 0x0  have_fastchunks 0  top 0x55555555a3e0  last_remainder 0x0  system_mem 0x21000  max_system_mem 0x21000  attached_threads 1  next 0x7ffff7ffd000
                        """);
    }

    @Test
    void tryFreeTellsWhetherFreeWouldAbortWithoutChangingTheProcess() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Shell shell = new Shell(
                new EmulatedBackend(() -> new AddressSpace(KernelConfig.defaults())),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String[] lines = {
            "a = malloc(24)",
            "b = malloc(0x500)",
            "g = malloc(24)",
            "free(a)",
            "try_free a",
            "try_free b",
            "try_free g+8",
            "free(b)",
            "try_free b",
            "tcache",
            "heap",
            "free(b)"
        };
        for (int i = 0; i < lines.length; i++) {
            shell.execute(lines[i], i + 1);
        }
        assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo("""
                        brk(NULL) = 0x555555559000
                        brk(0x55555557a000) = 0x55555557a000
                        malloc(24) = 0x5555555592a0
                        malloc(1280) = 0x5555555592c0
                        malloc(24) = 0x5555555597d0
                        free(0x5555555592a0) = <void>
                        # try_free(0x5555555592a0): free would abort: free(): double free detected in tcache 2
                        # try_free(0x5555555592c0): free would return
                        # try_free(0x5555555597d8): free would abort: free(): invalid pointer
                        free(0x5555555592c0) = <void>
                        # try_free(0x5555555592c0): free would abort: double free or corruption (!prev)
                        tcachebins (0x555555559010)
                        0x20 [  1]: 0x5555555592a0 -> 0
                        arena 0 (main)
                          +0x000000  0x000290 --P  in use
                          +0x000290  0x000020 --P  tcache 0
                          +0x0002b0  0x000510 --P  unsorted
                          +0x0007c0  0x000020 ---  in use
                          +0x0007e0  0x020820 --P  top
                        mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7ffc000
                        double free or corruption (!prev)
                        +++ killed by SIGABRT +++
                        """);
    }

    @Test
    void threadsGetTheirStacksAndArenasAndTheViewsListTheArenasAndTheirHeaps() {
        assertThat(run(
                        "a = malloc(24)",
                        "thread 1",
                        "b = malloc(100)",
                        "thread 2",
                        "c = malloc(10)",
                        "heaps",
                        "arenas",
                        "thread 0",
                        "heaps"))
                .isEqualTo("""
                        brk(NULL) = 0x555555559000
                        brk(0x55555557a000) = 0x55555557a000
                        malloc(24) = 0x5555555592a0
                        mmap(NULL, 8392704, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK, -1, 0) = 0x7ffff77fc000
                        mprotect(0x7ffff77fd000, 8388608, PROT_READ|PROT_WRITE) = 0
                        thread(1) = 0
                        mmap(NULL, 134217728, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0) = 0x7fffef600000
                        munmap(0x7fffef600000, 10485760) = 0
                        munmap(0x7ffff4000000, 56623104) = 0
                        mprotect(0x7ffff0000000, 135168, PROT_READ|PROT_WRITE) = 0
                        malloc(100) = 0x7ffff0000b70
                        mmap(NULL, 8392704, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK, -1, 0) = 0x7ffff6ffb000
                        mprotect(0x7ffff6ffc000, 8388608, PROT_READ|PROT_WRITE) = 0
                        thread(2) = 0
                        mmap(NULL, 134217728, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0) = 0x7fffe8000000
                        munmap(0x7fffec000000, 67108864) = 0
                        mprotect(0x7fffe8000000, 135168, PROT_READ|PROT_WRITE) = 0
                        malloc(10) = 0x7fffe8000b70
                        arena 1 at 0x7fffe8000030
                          heap 0x7fffe8000000: ar_ptr 0x7fffe8000030  prev 0x0  size 0x21000  mprotect_size 0x21000
                        arena 2 at 0x7ffff0000030
                          heap 0x7ffff0000000: ar_ptr 0x7ffff0000030  prev 0x0  size 0x21000  mprotect_size 0x21000
                        arena 0 (main) at 0x7ffff7ffd000: flags 0x0  have_fastchunks 0  top 0x5555555594f0  last_remainder 0x0  system_mem 0x21000  max_system_mem 0x21000  attached_threads 1  next 0x7fffe8000030
                        arena 1 at 0x7fffe8000030: flags 0x2  have_fastchunks 0  top 0x7fffe8000b80  last_remainder 0x0  system_mem 0x21000  max_system_mem 0x21000  attached_threads 1  next 0x7ffff0000030
                        arena 2 at 0x7ffff0000030: flags 0x2  have_fastchunks 0  top 0x7ffff0000bd0  last_remainder 0x0  system_mem 0x21000  max_system_mem 0x21000  attached_threads 1  next 0x7ffff7ffd000
                        thread(0) = 0
                        arena 1 at 0x7fffe8000030
                          heap 0x7fffe8000000: ar_ptr 0x7fffe8000030  prev 0x0  size 0x21000  mprotect_size 0x21000
                        arena 2 at 0x7ffff0000030
                          heap 0x7ffff0000000: ar_ptr 0x7ffff0000030  prev 0x0  size 0x21000  mprotect_size 0x21000
                        """);
    }

    @Test
    void visStartsAtTheChunkThatHoldsTheAddressAndMarksOnlyGlibcHeaders() {
        String out = run("a = malloc(24)", "b = malloc(40)", "big = malloc(200000)", "vis a+8 3", "vis big+0x100 1");
        assertThat(out.substring(out.indexOf("+ "))).isEqualTo("""
                        + 0x555555559290  0x0000000000000000  0x0000000000000021  size 0x20 P
                          0x5555555592a0  0x0000000000000000  0x0000000000000000
                        + 0x5555555592b0  0x0000000000000000  0x0000000000000031  size 0x30 P
                        + 0x7ffff7fcc000  0x0000000000000000  0x0000000000031002  size 0x31000 M
                        """);

        AddressSpace as = new AddressSpace(KernelConfig.defaults());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Shell other = new Shell(
                new EmulatedBackend(as, Allocators.factory("first-fit").create(as, Map.of()), "first-fit", null),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        other.execute("a = malloc(24)", 1);
        other.execute("vis a-16 2", 2);
        String words = buf.toString(StandardCharsets.UTF_8);
        assertThat(words).doesNotContain("+ ").doesNotContain("size");
        assertThat(words.lines().filter(l -> l.startsWith("  0x"))).hasSize(2);
    }
}
