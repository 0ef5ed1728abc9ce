package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mallocsim.kernel.Mman.*;
import static org.mallocsim.kernel.mm.Spaces.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FromMapsTest {

    static List<String> resource(String name) throws IOException {
        try (InputStream in = FromMapsTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    /** The listing as /proc/PID/maps prints it (the proc branch's job; enough here to compare). */
    static List<String> render(AddressSpace as) {
        List<String> out = new ArrayList<>();
        List<VmaView> all = new ArrayList<>(as.vmas());
        if (as.gateVma() != null) {
            all.add(as.gateVma());
        }
        for (VmaView v : all) {
            String head = String.format(
                    "%08x-%08x %s %08x %02x:%02x %d ",
                    v.start(), v.end(), v.perms(), v.pgoff() << 12, v.devMajor(), v.devMinor(), v.inode());
            out.add(v.name() == null ? head : String.format("%-73s%s", head, v.name()));
        }
        return out;
    }

    @Test
    void everyLineOfARecordedListingBecomesOneVmaAsItWas() throws IOException {
        List<String> lines = resource("grep-maps.txt");
        AddressSpace as = AddressSpace.fromMaps(KernelConfig.defaults(), lines, 0x55dd085ac000L);
        List<String> expected = new ArrayList<>();
        for (String l : lines) {
            expected.add(l.substring("# map ".length()));
        }
        assertThat(render(as)).containsExactlyElementsOf(expected);
        assertThat(as.mapCount()).isEqualTo(lines.size() - 1);
        assertThat(as.mmapBase()).isEqualTo(0x7fd8ee851000L);
        assertThat(as.startBrk()).isEqualTo(0x55dd085ac000L);
        assertThat(as.currentBrk()).isEqualTo(0x55dd085ac000L);
        as.checkConsistency();
    }

    /** ld.so's RELRO (rw-p made r--p by mprotect) keeps VM_ACCOUNT; the lowest file is the executable. */
    @Test
    void relroKeepsVmAccountAndTheLowestFileIsTheExecutable() {
        AddressSpace as = AddressSpace.fromMaps(
                KernelConfig.defaults(),
                List.of(
                        "555555554000-555555555000 r--p 00000000 fe:00 7 /usr/bin/prog",
                        "555555555000-555555556000 r-xp 00001000 fe:00 7 /usr/bin/prog",
                        "555555556000-555555557000 r--p 00002000 fe:00 7 /usr/bin/prog",
                        "555555557000-555555558000 r--p 00002000 fe:00 7 /usr/bin/prog",
                        "555555558000-555555559000 rw-p 00003000 fe:00 7 /usr/bin/prog",
                        "7ffff7fc3000-7ffff7fc5000 r--p 00000000 fe:00 9 /usr/lib/ld.so",
                        "7ffff7fc5000-7ffff7fef000 r-xp 00002000 fe:00 9 /usr/lib/ld.so",
                        "7ffff7ffb000-7ffff7ffd000 r--p 00036000 fe:00 9 /usr/lib/ld.so",
                        "7ffff7ffd000-7ffff7fff000 rw-p 00038000 fe:00 9 /usr/lib/ld.so"),
                0);
        assertThat(as.vmas())
                .extracting(v -> (v.flags() & VmFlags.VM_ACCOUNT) != 0)
                .containsExactly(false, false, false, true, true, false, false, true, true);
        assertThat(as.exePath()).isEqualTo("/usr/bin/prog");
        assertThat(org.mallocsim.kernel.proc.ProcStatus.of(
                        as, org.mallocsim.kernel.proc.ProcessInfo.of("prog", 1), as.exePath()))
                .contains("VmExe:\t       4 kB\n")
                .contains("VmLib:\t     168 kB\n");
        as.checkConsistency();
    }

    @Test
    void specialAndFileVmasNeverMergeWithAnonymousNeighbours() throws IOException {
        AddressSpace as = AddressSpace.fromMaps(KernelConfig.defaults(), resource("grep-maps.txt"), 0x55dd085ac000L);
        int before = as.mapCount();
        // right below [vvar] is an anonymous rw-p VMA: map above the recorder's rw-p file page
        assertThat(as.mprotect(0x7fd8ee801000L, PAGE, RW)).isZero();
        assertThat(as.mapCount()).isEqualTo(before);
        assertThat(vmaAt(as, 0x7fd8ee814000L).flags() & VmFlags.VM_PFNMAP).isNotZero();
    }

    @Test
    void laterMmapsLandWhereTheRealKernelPutThem() throws IOException {
        // git's first mmapped chunk (0x80000 bytes) came back at 0x7f775347a000, after one unseen
        // 0x57000-byte mapping (a locale file) below the last gap
        AddressSpace as = AddressSpace.fromMaps(KernelConfig.defaults(), resource("git-maps.txt"), 0x55d860bce000L);
        assertThat(as.mmapBase()).isEqualTo(0x7f775384b000L);
        as.mmap(0, 0x57000, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        assertThat(as.mmap(0, 0x80000, RW, ANON, -1, 0)).isEqualTo(0x7f775347a000L);
    }

    @Test
    void heapLineSetsTheBreakAndIsNamedHeap() {
        AddressSpace as = AddressSpace.fromMaps(
                KernelConfig.defaults(),
                List.of(
                        "555555559000-55555557a000 rw-p 00000000 00:00 0                          [heap]",
                        "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]"),
                0x555555559000L);
        assertThat(as.currentBrk()).isEqualTo(0x55555557a000L);
        assertThat(as.vmas().get(0).name()).isEqualTo("[heap]");
        assertThat(as.vmas().get(1).name()).isEqualTo("[stack]");
        assertThat(as.brk(0x55555557b000L)).isEqualTo(0x55555557b000L);
        assertThat(as.vmas().get(0).end()).isEqualTo(0x55555557b000L);
        assertThat(as.mmapBase()).isEqualTo(0x55555557b000L - PAGE);
    }

    @Test
    void unparseableLineNamesItsNumberAndWhatWasExpected() {
        assertThatThrownBy(() -> AddressSpace.fromMaps(
                        KernelConfig.defaults(),
                        List.of("555555559000-55555557a000 rw-p 00000000 00:00 0", "garbage here"),
                        0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("expected");
        assertThatThrownBy(() -> AddressSpace.fromMaps(
                        KernelConfig.defaults(), List.of("55555555a000-555555559000 rw-p 00000000 00:00 0"), 0))
                .hasMessageContaining("line 1")
                .hasMessageContaining("range");
        assertThatThrownBy(() -> AddressSpace.fromMaps(
                        KernelConfig.defaults(), List.of("555555559000-55555555a000 rwzp 00000000 00:00 0"), 0))
                .hasMessageContaining("permissions");
    }

    @Test
    void seededRandomizationIsReproducibleAndDiffersBetweenSeeds() {
        AddressSpace a =
                new AddressSpace(KernelConfig.builder().randomizeSeed(42).build());
        AddressSpace b =
                new AddressSpace(KernelConfig.builder().randomizeSeed(42).build());
        AddressSpace c =
                new AddressSpace(KernelConfig.builder().randomizeSeed(43).build());
        assertThat(a.mmapBase()).isEqualTo(b.mmapBase()).isNotEqualTo(c.mmapBase());
        assertThat(a.startBrk()).isEqualTo(b.startBrk()).isNotEqualTo(c.startBrk());
        assertThat(a.startBrk()).isBetween(0x55555555a000L, 0x55555555a000L + KernelConfig.GIB);
        // mmap_base below the 16 GiB random stack range and within 28 bits of pages of its top
        assertThat(a.mmapBase())
                .isLessThanOrEqualTo(0x7ffffffff000L - (0x3fffffL << 12) - (1 << 20))
                .isGreaterThan(0x7ffffffff000L - (0x3fffffL << 12) - (1 << 20) - (1L << 40));
    }

    @Test
    void mmapsAfterARealRandomizedStartLandWhereLinuxPutThem() throws IOException {
        // aslr-run.txt: a process on Linux 6.18 with ASLR on printed its maps, then the address of
        // each anonymous mmap it made next; the emulator started from that listing must agree
        List<String> lines = resource("aslr-run.txt");
        List<String> maps = lines.stream().filter(l -> l.startsWith("# map ")).toList();
        AddressSpace as = AddressSpace.fromMaps(KernelConfig.defaults(), maps, 0);
        assertThat(as.startBrk()).isEqualTo(0x5569ff702000L);
        assertThat(as.currentBrk()).isEqualTo(0x5569ff723000L);
        int checked = 0;
        for (String l : lines) {
            String[] f = l.split(" ", -1);
            if (f[0].equals("mmap") || f[0].equals("shared")) {
                int flags = (f[0].equals("mmap") ? MAP_PRIVATE : MAP_SHARED) | MAP_ANONYMOUS;
                long expected = Long.parseUnsignedLong(f[2].substring(2), 16);
                assertThat(as.mmap(0, Long.parseLong(f[1]), RW, flags, -1, 0))
                        .as(l)
                        .isEqualTo(expected);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(8);
        as.checkConsistency();
    }
}
