package org.mallocsim.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

class ShellTest {

    private static String run(String... lines) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Shell shell = new Shell(
                new EmulatedBackend(new AddressSpace(KernelConfig.defaults())),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        for (int i = 0; i < lines.length; i++) {
            shell.execute(lines[i], i + 1);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void callsPrintAsStracePrintsThemWithVariablesReplacedByTheirValues() {
        assertThat(run(
                        "a = mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)  # two pages",
                        "store64(a + 8, 42)",
                        "load64(a+8)",
                        "mprotect(a+4096, 4096, PROT_NONE)",
                        "munmap(0x1001, 4096)",
                        "mremap(a, 4096, 8192, MREMAP_MAYMOVE|MREMAP_FIXED, 0x40000000)",
                        "madvise(a, 4096, MADV_DONTNEED)",
                        "brk(NULL)"))
                .isEqualTo("""
                        mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7ffd000
                        store64(0x7ffff7ffd008, 0x2a) = 0
                        load64(0x7ffff7ffd008) = 0x2a
                        mprotect(0x7ffff7ffe000, 4096, PROT_NONE) = 0
                        munmap(0x1001, 4096) = -1 EINVAL (Invalid argument)
                        mremap(0x7ffff7ffd000, 4096, 8192, MREMAP_MAYMOVE|MREMAP_FIXED, 0x40000000) = 0x40000000
                        madvise(0x7ffff7ffd000, 4096, MADV_DONTNEED) = -1 ENOMEM (Cannot allocate memory)
                        brk(NULL) = 0x555555559000
                        """);
    }

    @Test
    void aFaultPrintsStracesSignalLineAndTheShellGoesOn() {
        assertThat(run("load8(0x1000)", "b = brk(NULL)", "load8(b)")).isEqualTo("""
                        --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x1000} ---
                        brk(NULL) = 0x555555559000
                        --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x555555559000} ---
                        """);
    }

    @Test
    void unknownFlagBitsPrintAsHexAfterTheKnownNamesAndAFailedCallLeavesMinusOne() {
        assertThat(run(
                        "x = mmap(NULL, 4096, PROT_READ|0x80, MAP_PRIVATE|MAP_ANONYMOUS|0x40000000, -1, 0)",
                        "y = munmap(x+1, 4096)",
                        "mmap(y, 0, 0, 0, -1, 0)"))
                .startsWith("mmap(NULL, 4096, PROT_READ|0x80, MAP_PRIVATE|MAP_ANONYMOUS|0x40000000, -1, 0) = 0x")
                .contains(
                        "= -1 EINVAL (Invalid argument)\nmmap(0xffffffffffffffff, 0, PROT_NONE, 0, -1, 0) = -1 EBADF (Bad file descriptor)");
    }

    @Test
    void walkShowsThePageTableEntriesThatTranslateAnAddressBeforeAndAfterItsFault() {
        String out = run(
                "a = mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)",
                "walk(a)",
                "store8(a, 1)",
                "walk(a)");
        assertThat(out)
                .contains("PGD[255] = 0x0000000000000000  (none)\n")
                // the page's home frame: 0x400 + 0x7ffff7ffe mod 2^18
                .contains("PTE[510] = 0x80000000383fe067 -> frame 0x383fe present rw user accessed dirty nx\n");
    }

    @Test
    void linesThatDoNotParseSayWhatWasExpectedWithTheirNumber() {
        assertThat(run(
                        "mmap(NULL, 8192",
                        "munmap(a, 4096)",
                        "frob(1)",
                        "munmap(1, 2, 3)",
                        "load64(0x10000000000000000)",
                        "munmap(1 2)",
                        "maps extra"))
                .isEqualTo("""
                        # line 1: expected ',' or ')' after argument 2
                        # line 2: 'a' in argument 1 is neither a constant nor a variable
                        # line 3: expected brk, mmap, munmap, mprotect, mremap, madvise, load8..64, store8..64, malloc, free, ..., walk, maps, smaps, status, help or exit, not 'frob'
                        # line 4: expected 2 arguments to munmap, got 3
                        # line 5: expected a number of at most 64 bits in argument 1
                        # line 6: expected ',' or ')' after argument 1
                        # line 7: expected the end of the line, found 'extra'
                        """);
    }

    @Test
    void listingsAreReadFromTraceHeadersNativeListingsAndBareMapsLines() {
        Listing trace = Listing.parse(java.util.List.of(
                "# mrec 1 glibc 2.36 nprocs 2 start-brk 0x55dd085ac000",
                "# map 55dd0806c000-55dd08070000 r--p 00000000 fe:00 260368                     /usr/bin/grep",
                "23242 m 5 = 0x55dd085ac2a0 0x21 0x55dd085cd000"));
        assertThat(trace.startBrk()).isEqualTo(0x55dd085ac000L);
        assertThat(trace.maps())
                .containsExactly(
                        "55dd0806c000-55dd08070000 r--p 00000000 fe:00 260368                     /usr/bin/grep");
        assertThat(trace.kernel()).isEmpty();
        Listing bare = Listing.parse(java.util.List.of("7ffea459c000-7ffea45bd000 rw-p 00000000 00:00 0 "));
        assertThat(bare.startBrk()).isZero();
        assertThat(bare.maps()).hasSize(1);
        assertThat(bare.kernel()).isEmpty();
        Listing nativeListing = Listing.parse(java.util.List.of(
                "# mrec 1 start-brk 0x55dd085ac000",
                "# map 7ffea459c000-7ffea45bd000 rw-p 00000000 00:00 0                          [stack]",
                "# kernel thp-enabled always pku 1 zero-page 0"));
        assertThat(nativeListing.kernel())
                .containsExactly(
                        java.util.Map.entry("thp-enabled", "always"),
                        java.util.Map.entry("pku", "1"),
                        java.util.Map.entry("zero-page", "0"));
        KernelConfig config = nativeListing.configure(KernelConfig.builder()).build();
        assertThat(config.thpEnabled()).isEqualTo(org.mallocsim.kernel.mm.ThpMode.ALWAYS);
        assertThat(config.pku()).isTrue();
        assertThat(config.zeroPage()).isFalse();
    }

    @Test
    void afterSigkillNoFurtherLineRunsInTheDeadProcess() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Shell shell = new Shell(
                new EmulatedBackend(new AddressSpace(KernelConfig.builder()
                        .ramBytes(256 << 10)
                        .overcommitMemory(1)
                        .overcommitRatio(50)
                        .build())),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        shell.execute("a = mmap(NULL, 4194304, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)", 1);
        for (int i = 0; i < 1024 && !shell.finished(); i++) {
            shell.execute("store8(a+" + i * 4096 + ", 1)", i + 2);
        }
        shell.execute("brk(NULL)", 2000);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(shell.finished()).isTrue();
        assertThat(shell.exitCode()).isEqualTo(137);
        assertThat(out.strip().lines().reduce((x, y) -> y))
                .hasValueSatisfying(last -> assertThat(last).startsWith("+++ killed by SIGKILL +++"));
        assertThat(out).doesNotContain("brk(");
    }

    @Test
    void aVariableCannotTakeAConstantsName() {
        assertThat(run("PROT_READ = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)", "NULL = brk(NULL)"))
                .isEqualTo("""
                        # line 1: 'PROT_READ' is the name of a constant; a variable needs another name
                        # line 2: 'NULL' is the name of a constant; a variable needs another name
                        """);
    }

    @Test
    void helpListsTheCommandsAndExitEndsTheSession() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Shell shell = new Shell(
                new EmulatedBackend(new AddressSpace(KernelConfig.defaults())),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        shell.execute("help", 1);
        shell.execute("exit", 2);
        shell.execute("brk(NULL)", 3);
        assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo(Shell.HELP);
        assertThat(shell.finished()).isTrue();
        assertThat(shell.exitCode()).isZero();
    }

    @Test
    void timeRunsTheLineThenPrintsItsWallAndCpuTimeAndTimeIsStillAVariableName() {
        String out = run("time p = malloc(24)", "time = malloc(24)", "free(time)", "time free(p)", "time bogus(1)");
        String[] lines = out.split("\n");
        String time = "# time: \\d+\\.\\d{3} s wall, \\d+\\.\\d{3} s cpu";
        assertThat(lines).hasSize(10);
        assertThat(lines[0]).startsWith("brk(NULL) = "); // the first malloc's syscalls, then the call
        assertThat(lines[1]).startsWith("brk(0x");
        assertThat(lines[2]).startsWith("malloc(24) = 0x");
        assertThat(lines[3]).matches(time);
        assertThat(lines[4]).startsWith("malloc(24) = 0x").isNotEqualTo(lines[2]);
        assertThat(lines[5]).isEqualTo(lines[4].replace("malloc(24) = ", "free(") + ") = <void>");
        assertThat(lines[6]).isEqualTo(lines[2].replace("malloc(24) = ", "free(") + ") = <void>");
        assertThat(lines[7]).matches(time);
        assertThat(lines[8]).startsWith("# line 5: ");
        assertThat(lines[9]).matches(time);
    }

    @Test
    void aNativeExecutorThatDiesIsReportedWithItsSignal() throws Exception {
        try (NativeBackend b = new NativeBackend()) {
            ProcessHandle.of(b.pid()).orElseThrow().destroyForcibly();
            ProcessHandle.of(b.pid()).ifPresent(h -> h.onExit().join());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.brk(0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(
                            "the native executor (pid " + b.pid() + ") died: killed by signal 9 (SIGKILL)");
        }
    }

    @Test
    void smapsAndStatusTakeAnAddressOrAFieldToPrintOnlyThatPart() {
        String out = run(
                "a = mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)",
                "store64(a, 1)",
                "smaps(a + 4096)",
                "smaps(Rss)",
                "status(VmRSS)");
        assertThat(out).startsWith("""
                mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7ffd000
                store64(0x7ffff7ffd000, 0x1) = 0
                7ffff7ffd000-7ffff7fff000 rw-p 00000000 00:00 0 \nSize:                  8 kB
                """);
        assertThat(out)
                .contains("VmFlags: rd wr mr mw me ac \n7ffff7ffd000-7ffff7fff000 rw-p 00000000 00:00 0 \n"
                        + "Rss:                   4 kB\n");
        assertThat(out.substring(out.indexOf("VmFlags:")))
                .as("one field a mapping, then one status line")
                .doesNotContain("Pss:")
                .endsWith("[vsyscall]\nRss:                   0 kB\nVmRSS:\t       4 kB\n");
    }
}
