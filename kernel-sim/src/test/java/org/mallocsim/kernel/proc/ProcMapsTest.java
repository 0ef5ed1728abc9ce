package org.mallocsim.kernel.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.kernel.proc.Captures.AC;
import static org.mallocsim.kernel.proc.Captures.MAY;
import static org.mallocsim.kernel.proc.Captures.R;
import static org.mallocsim.kernel.proc.Captures.W;
import static org.mallocsim.kernel.proc.Captures.X;
import static org.mallocsim.kernel.proc.Captures.anon;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mallocsim.kernel.mm.VmFlags;
import org.mallocsim.kernel.mm.VmaView;

class ProcMapsTest {

    @Test
    void realMapsCaptureIsReproducedByteForByte() {
        String captured = Captures.read("maps-full.txt");
        List<VmaView> vmas = new ArrayList<>();
        for (String line : captured.lines().toList()) {
            if (!line.startsWith("ffffffffff600000")) {
                vmas.add(Captures.parseMapsLine(line));
            }
        }

        assertThat(ProcMaps.render(vmas, true)).isEqualTo(captured);
    }

    @Test
    void unnamedLineKeepsTheSpaceAfterTheInode() {
        assertThat(ProcMaps.render(List.of(anon(0x7e0000000000L, 0x7e0000010000L, R | W | MAY | AC))))
                .isEqualTo("7e0000000000-7e0000010000 rw-p 00000000 00:00 0 \n");
    }

    @Test
    void addressBelowEightHexDigitsIsZeroPadded() {
        assertThat(ProcMaps.render(List.of(anon(0x10000, 0x204000, R | W | MAY | AC))))
                .isEqualTo("00010000-00204000 rw-p 00000000 00:00 0 \n");
    }

    @Test
    void namedLinesPutTheNameAtColumn73WhateverTheAddressWidth() {
        List<VmaView> vmas = List.of(
                new VmaView(0x400000, 0x401000, R | X | MAY, 0, 8, 1, 42, "/bin/a"),
                new VmaView(0x55d0c7a0e000L, 0x55d0c7a2f000L, R | W | MAY | AC, 0x55d0c7a0eL, 0, 0, 0, "[heap]"),
                ProcMaps.VSYSCALL);

        assertThat(ProcMaps.render(vmas))
                .isEqualTo("00400000-00401000 r-xp 00000000 08:01 42                                 /bin/a\n"
                        + "55d0c7a0e000-55d0c7a2f000 rw-p 00000000 00:00 0                          [heap]\n"
                        + "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n");
        for (String line : ProcMaps.render(vmas).lines().toList()) {
            assertThat(line.indexOf('/') >= 0 ? line.indexOf('/') : line.indexOf('['))
                    .isEqualTo(73);
        }
    }

    @Test
    void prefixLongerThanThePadWidthGetsTheOneExtraSpaceBeforeTheName() {
        VmaView vma = new VmaView(
                0xffffffffff600000L, 0xffffffffff601000L, R | MAY, 0x123456789L, 0x103, 0x105, 123456789012L, "/x");

        assertThat(ProcMaps.render(List.of(vma)))
                .isEqualTo("ffffffffff600000-ffffffffff601000 r--p 123456789000 103:105 123456789012  /x\n");
    }

    @Test
    void namesWithSpacesArePrintedAsTheyAre() {
        VmaView deleted = new VmaView(
                0x7e0001800000L,
                0x7e0001802000L,
                R | W | VmFlags.VM_SHARED | MAY | VmFlags.VM_MAYSHARE,
                0,
                0,
                1,
                1026,
                "/dev/zero (deleted)");
        VmaView spaced = new VmaView(0x7e0001900000L, 0x7e0001901000L, R | MAY, 2, 254, 0, 77, "/tmp/a b/c d");

        assertThat(ProcMaps.render(List.of(deleted, spaced)))
                .isEqualTo(
                        "7e0001800000-7e0001802000 rw-s 00000000 00:01 1026                       /dev/zero (deleted)\n"
                                + "7e0001900000-7e0001901000 r--p 00002000 fe:00 77                         /tmp/a b/c d\n");
    }

    @Test
    void anonymousMemoryShowsOffsetZeroWhateverItsPgoff() {
        VmaView vma = anon(0x7f1c2a000000L, 0x7f1c2a021000L, R | W | MAY | AC);

        assertThat(vma.pgoff()).isNotZero();
        assertThat(ProcMaps.render(List.of(vma))).isEqualTo("7f1c2a000000-7f1c2a021000 rw-p 00000000 00:00 0 \n");
    }

    /** LTP mmap04: the permissions column for each PROT_* combination, private and shared. */
    @ParameterizedTest(name = "prot {0} shared {1} shows {2}")
    @CsvSource({
        "0, false, ---p", "1, false, r--p", "2, false, -w-p", "3, false, rw-p",
        "5, false, r-xp", "6, false, -wxp", "7, false, rwxp", "4, false, --xp",
        "0, true, ---s", "1, true, r--s", "3, true, rw-s", "7, true, rwxs"
    })
    void permissionsFollowProtAndSharing(int prot, boolean shared, String perms) {
        long flags = prot | MAY | (shared ? VmFlags.VM_SHARED | VmFlags.VM_MAYSHARE : 0);

        assertThat(ProcMaps.render(List.of(anon(0x1000000, 0x1001000, flags))))
                .isEqualTo("01000000-01001000 " + perms + " 00000000 00:00 0 \n");
    }

    @Test
    void readOnlySharedFileIsSharedEvenWithoutVmShared() {
        // a MAP_SHARED file opened read-only loses VM_SHARED but keeps VM_MAYSHARE (do_mmap)
        VmaView vma = new VmaView(
                0x7fd7e17dd000L,
                0x7fd7e17e4000L,
                R | VmFlags.VM_MAYREAD | VmFlags.VM_MAYSHARE | VmFlags.VM_MAYEXEC,
                0,
                254,
                0,
                338846,
                "/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache");

        assertThat(ProcMaps.render(List.of(vma)))
                .isEqualTo("7fd7e17dd000-7fd7e17e4000 r--s 00000000 fe:00 338846"
                        + "                     /usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache\n");
    }
}
