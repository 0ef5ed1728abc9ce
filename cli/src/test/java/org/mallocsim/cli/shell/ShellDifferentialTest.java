package org.mallocsim.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;
import org.mallocsim.kernel.mm.ThpMode;

/**
 * Every script in src/test/resources/shell runs in a real process on this machine's kernel, then
 * in the emulator started from that process's listing; the two transcripts must be identical line
 * for line (results, errnos, faults, loaded values and /proc/self/maps).
 *
 * <p>What the answers depend on beyond the calls comes from the listing's {@code # kernel} line,
 * which the native executor writes, and the emulated kernel is configured with it
 * ({@link Listing#configure}): the THP mode (smaps' THPeligible; the executor pins
 * {@code always} to {@code madvise} behaviour, since the emulator maps no huge page at fault
 * time), whether the CPU has protection keys (execute-only memory, smaps' ProtectionKey) and
 * whether the kernel forbids the zero page ({@code pvm_no_zero_page=1}: reads then allocate
 * pages and change which VMAs merge). The test assumes THP {@code madvise} or {@code never}, and
 * says so when the machine gives it neither. The one field
 * masked is the inode of a shared anonymous mapping ({@code /dev/zero (deleted)}): the kernel
 * numbers shmem inodes from a machine-wide counter that no process can know.
 */
class ShellDifferentialTest {
    private static final Path SCRIPTS = Paths.get("src/test/resources/shell");

    static Stream<String> scripts() throws IOException {
        try (Stream<Path> s = Files.list(SCRIPTS)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".msh")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void emulatorAnswersEveryCallAsTheRealKernelDoes(String script) throws IOException {
        List<String> lines = Files.readAllLines(SCRIPTS.resolve(script));
        String real;
        Listing listing;
        try (NativeBackend nat = new NativeBackend()) {
            listing = Listing.parse(nat.listing());
            real = run(nat, lines);
        }
        KernelConfig config = configOf(listing);
        String emulated =
                run(new EmulatedBackend(AddressSpace.fromMaps(config, listing.maps(), listing.startBrk())), lines);
        assertThat(maskShmemInodes(emulated)).isEqualTo(maskShmemInodes(real));
        assertThat(real).doesNotContain("# line ");
    }

    /**
     * The road to vm.max_map_count (65530): one-page mappings two pages apart until mmap fails
     * (at map_count = max + 1), then a hole punched in a three-page mapping (ENOMEM: the split
     * would pass the limit), then its edge trimmed (allowed), as LTP's munmap04 and
     * mem/tunable/max_map_count do.
     */
    @org.junit.jupiter.api.Test
    void theRoadToMaxMapCountEndsWhereTheRealKernelsDoes() throws IOException {
        List<String> lines = new java.util.ArrayList<>();
        lines.add("big = mmap(0x8000000, 12288, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0)");
        for (int i = 0; i < 65_600; i++) {
            lines.add("mmap(" + (0x10000000L + 8192L * i)
                    + ", 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0)");
        }
        lines.add("munmap(big+4096, 4096)");
        lines.add("munmap(big, 4096)");
        lines.add("mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)");
        String real;
        Listing listing;
        try (NativeBackend nat = new NativeBackend()) {
            listing = Listing.parse(nat.listing());
            real = run(nat, lines);
        }
        String emulated = run(
                new EmulatedBackend(AddressSpace.fromMaps(configOf(listing), listing.maps(), listing.startBrk())),
                lines);
        assertThat(real).contains("= -1 ENOMEM (Cannot allocate memory)");
        assertThat(emulated).isEqualTo(real);
    }

    private static String run(Backend backend, List<String> lines) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        Shell shell = new Shell(backend, out);
        for (int i = 0; i < lines.size(); i++) {
            shell.execute(lines.get(i), i + 1);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    static String maskShmemInodes(String transcript) {
        return transcript.replaceAll(
                "(?m) 00:01 \\d+ +/dev/zero \\(deleted\\)$", " 00:01 <shmem inode> /dev/zero (deleted)");
    }

    /** The emulated kernel's configuration: the defaults with the native run's recorded settings. */
    static KernelConfig configOf(Listing listing) {
        KernelConfig config = listing.configure(KernelConfig.builder()).build();
        assumeThat(config.thpEnabled())
                .as(
                        "THP 'always' could not be pinned to 'madvise' (prctl PR_THP_DISABLE_EXCEPT_ADVISED needs Linux 6.18)")
                .isNotEqualTo(ThpMode.ALWAYS);
        return config;
    }
}
