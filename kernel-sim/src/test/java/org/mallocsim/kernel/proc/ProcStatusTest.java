package org.mallocsim.kernel.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mallocsim.kernel.mm.MmStats;
import org.mallocsim.kernel.mm.VmaView;

class ProcStatusTest {

    /** The counters of the process that wrote status.txt, in pages, read back from that capture. */
    private static final MmStats CAPTURED =
            new MmStats(1706, 1706, 5, 0, 1124, 385, 35, 43, 261, 0, 304, 76 * 1024, 43, 0, 0, 0, 0);

    private static List<VmaView> capturedMaps() {
        List<VmaView> vmas = new ArrayList<>();
        for (String line : Captures.read("maps-full.txt").lines().toList()) {
            vmas.add(Captures.parseMapsLine(line));
        }
        return vmas;
    }

    @Test
    void textOfTheCapturedExecutableIsItsOneExecutableMapping() {
        assertThat(ProcStatus.textBytes(capturedMaps(), "/tmp/cap/cap")).isEqualTo(4096);
    }

    @Test
    void memoryLinesMatchTheRealKernelWhole() {
        String captured = Captures.read("status.txt");
        String block = captured.substring(captured.indexOf("VmPeak:"), captured.indexOf("CoreDumping:"));

        assertThat(ProcStatus.taskMem(CAPTURED, ProcStatus.textBytes(capturedMaps(), "/tmp/cap/cap")))
                .isEqualTo(block);
    }

    @Test
    void statmMatchesTheRealKernel() {
        assertThat(ProcStatus.statm(CAPTURED, 4096)).isEqualTo(Captures.read("statm.txt"));
    }

    @Test
    void statusHasTheRealKernelsLinesInTheRealKernelsOrder() {
        String rendered = ProcStatus.render(ProcessInfo.of("mallocsim", 4242), CAPTURED, 4096);

        assertThat(labels(rendered)).isEqualTo(labels(Captures.read("status.txt")));
    }

    @Test
    void statusCarriesTheProcessIdentity() {
        String rendered = ProcStatus.render(new ProcessInfo("replay", 77, 70, 1001, 1002), CAPTURED, 4096);

        assertThat(rendered).startsWith("""
                Name:\treplay
                Umask:\t0022
                State:\tR (running)
                Tgid:\t77
                Ngid:\t0
                Pid:\t77
                PPid:\t70
                TracerPid:\t0
                Uid:\t1001\t1001\t1001\t1001
                Gid:\t1002\t1002\t1002\t1002
                FDSize:\t64
                Groups:\t\s
                NStgid:\t77
                NSpid:\t77
                NSpgid:\t77
                NSsid:\t70
                Kthread:\t0
                VmPeak:\t    6824 kB
                """);
    }

    @Test
    void peaksAreTheLargerOfHighWaterMarkAndCurrentValue() {
        MmStats shrunk = new MmStats(100, 300, 0, 0, 0, 0, 0, 10, 0, 0, 50, 0, 1, 0, 0, 0, 0);
        MmStats unrecorded = new MmStats(100, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 1, 0, 0, 0, 0);

        assertThat(ProcStatus.taskMem(shrunk, 0))
                .contains("VmPeak:\t    1200 kB\nVmSize:\t     400 kB\n", "VmHWM:\t     200 kB\nVmRSS:\t      40 kB\n");
        assertThat(ProcStatus.taskMem(unrecorded, 0))
                .contains("VmPeak:\t     400 kB\nVmSize:\t     400 kB\n", "VmHWM:\t      40 kB\nVmRSS:\t      40 kB\n");
    }

    @Test
    void withoutAnExecutableAllExecutableMemoryIsLibrary() {
        MmStats mm = new MmStats(100, 100, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0);

        assertThat(ProcStatus.taskMem(mm, 0)).contains("VmExe:\t       0 kB\nVmLib:\t      28 kB\n");
        assertThat(ProcStatus.taskMem(mm, 1L << 20)).contains("VmExe:\t      28 kB\nVmLib:\t       0 kB\n");
    }

    @Test
    void valuesWiderThanEightDigitsPushTheUnitRight() {
        MmStats huge = new MmStats(1L << 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0);

        assertThat(ProcStatus.taskMem(huge, 0)).startsWith("VmPeak:\t17179869184 kB\nVmSize:\t17179869184 kB\n");
    }

    private static List<String> labels(String text) {
        List<String> labels = new ArrayList<>();
        for (String line : text.lines().toList()) {
            labels.add(line.substring(0, line.indexOf(':')));
        }
        return labels;
    }
}
