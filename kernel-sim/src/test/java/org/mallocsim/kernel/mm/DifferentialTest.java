package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mallocsim.kernel.BusError;
import org.mallocsim.kernel.SegmentationFault;

/**
 * Differential tests against the real kernel: {@code differential-N.txt} was written by a C program
 * on Linux 6.18 (ASLR off; files 7 and 8 with ASLR on) that printed its maps, then made 1500 (files 9 to 12: 3000) seeded random mmap, munmap,
 * mprotect, madvise, mremap and brk calls and loads and stores (catching SIGSEGV and SIGBUS) and
 * printed each raw result or signal, then its final maps. The
 * emulator starts from the same listing, makes the same calls and must give the same results
 * and the same final VMAs.
 *
 * <p>That machine's kernel boots with {@code pvm_no_zero_page=1}: a read fault of private anonymous
 * memory allocates a page and an anon_vma (seen in RssAnon and in which VMAs merge), so the
 * replay runs with {@link KernelConfig#zeroPage} false.
 */
class DifferentialTest {

    static long hex(String s) {
        return Long.parseUnsignedLong(s, 16);
    }

    /** "start-end perms name" of a maps line; shmem inode numbers differ and are left out. */
    static String shape(String mapsLine) {
        String[] f = mapsLine.strip().split("\\s+", 6);
        return f[0] + " " + f[1] + " " + f[2] + (f.length == 6 ? " " + f[5] : "");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void randomSyscallSequenceGivesTheRealKernelsResultsAndFinalMaps(int seed) throws IOException {
        List<String> lines = FromMapsTest.resource("differential-" + seed + ".txt");
        List<String> maps = new ArrayList<>();
        List<String> expectedFinal = new ArrayList<>();
        long brk = 0;
        for (String l : lines) {
            if (l.startsWith("# map ")) {
                maps.add(l);
            } else if (l.startsWith("# brk ")) {
                brk = hex(l.substring(6));
            } else if (l.startsWith("# final ")) {
                expectedFinal.add(shape(l.substring(8)));
            }
        }
        AddressSpace as =
                AddressSpace.fromMaps(KernelConfig.builder().zeroPage(false).build(), maps, brk);
        int step = 0;
        for (String l : lines) {
            if (l.startsWith("#")) {
                continue;
            }
            step++;
            String[] f = l.split(" ");
            if (f[0].equals("load") || f[0].equals("store")) {
                access(as, l, f, step);
                continue;
            }
            long expected = hex(f[f.length - 1]);
            long actual = switch (f[0]) {
                case "mmap" -> as.mmap(hex(f[1]), hex(f[2]), Integer.parseInt(f[3]), (int) hex(f[4]), -1, 0);
                case "munmap" -> as.munmap(hex(f[1]), hex(f[2]));
                case "mprotect" -> as.mprotect(hex(f[1]), hex(f[2]), Integer.parseInt(f[3]));
                case "madvise" -> as.madvise(hex(f[1]), hex(f[2]), Integer.parseInt(f[3]));
                case "mremap" -> as.mremap(hex(f[1]), hex(f[2]), hex(f[3]), Integer.parseInt(f[4]), hex(f[5]));
                case "brk" -> as.brk(hex(f[1]));
                default -> throw new IllegalArgumentException(l);
            };
            assertThat(Long.toHexString(actual))
                    .as("step %d: %s%n%s", step, l, as)
                    .isEqualTo(Long.toHexString(expected));
            as.checkConsistency();
        }
        as.checkConsistency();
        List<String> actualFinal = new ArrayList<>();
        for (String l : FromMapsTest.render(as)) {
            actualFinal.add(shape(l));
        }
        assertThat(actualFinal).containsExactlyElementsOf(expectedFinal);
    }

    /** "load A = V", "store A V = ok", or "... = segv|bus CODE ADDR". */
    private static void access(AddressSpace as, String l, String[] f, int step) {
        long a = hex(f[1]);
        VmaView v = Spaces.vmaAt(as, a);
        if (v != null && v.inode() != 0 && v.devMinor() != 1) {
            // a library's pages: the emulator has no file contents to compare
            return;
        }
        boolean store = f[0].equals("store");
        int eq = java.util.Arrays.asList(f).indexOf("=");
        String outcome;
        try {
            if (store) {
                as.store64(a, hex(f[2]));
                outcome = "ok";
            } else {
                outcome = Long.toHexString(as.load64(a));
            }
        } catch (SegmentationFault e) {
            outcome = "segv " + e.code() + " " + Long.toHexString(e.address());
        } catch (BusError e) {
            outcome = "bus " + BusError.BUS_ADRERR + " " + Long.toHexString(e.address());
        }
        String expected = String.join(" ", java.util.Arrays.copyOfRange(f, eq + 1, f.length));
        assertThat(outcome).as("step %d: %s%n%s", step, l, as).isEqualTo(expected);
    }
}
