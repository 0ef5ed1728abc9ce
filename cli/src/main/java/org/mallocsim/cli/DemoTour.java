package org.mallocsim.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.mallocsim.kernel.Mman;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;
import org.mallocsim.kernel.mm.MmStats;
import org.mallocsim.kernel.proc.ProcMaps;
import org.mallocsim.kernel.proc.ProcStatus;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;

/**
 * The kernel tour of {@code mallocsim demo --tour} on bundled data. The process starts from
 * the address space that grep had when it made its first malloc call (recorded on Linux with
 * glibc 2.36, {@code traces/grep.mrec.zst}); the tour makes the calls glibc's first mallocs make and
 * shows what each becomes: a program break, a VMA, a page fault, a page-table entry.
 */
final class DemoTour {
    private static final String LISTING = "/demo/grep-start.mrec";

    private final PrintStream out;

    DemoTour(PrintStream out) {
        this.out = out;
    }

    /** Runs the tour; 0 when every step went as on Linux. */
    int run() {
        Recorded rec = Recorded.load();
        AddressSpace as = AddressSpace.fromMaps(KernelConfig.defaults(), rec.maps, rec.startBrk);

        say("1. The process as Linux had it when grep first called malloc (its /proc/self/maps):");
        out.print(indent(ProcMaps.of(as)));

        say("2. glibc's first malloc(5) finds no heap and asks the kernel for one (sysmalloc):");
        long start = as.brk(0);
        call("brk(NULL)", hex(start));
        long want = start + 0x21000;
        long got = as.brk(want);
        call("brk(" + hex(want) + ")", hex(got));
        note("132 KiB: the request, glibc's 128 KiB M_TOP_PAD and a minimum chunk, rounded to pages.");
        note("On Linux grep's break after this call was " + hex(rec.firstBrk)
                + (got == rec.firstBrk ? " -- the same." : " -- DIFFERENT (emulator " + hex(got) + ")."));
        say("   The heap is one new VMA, [heap], and no memory yet:");
        out.print(indent(grep(ProcMaps.of(as), "[heap]")));
        MmStats before = as.stats();
        counters(before);

        say("3. glibc writes the first chunk's header: the first touch of the page faults it in.");
        long header = start + 0x8;
        as.store64(header, 0x291);
        call("store64(" + hex(header) + ", 0x291)", "0");
        MmStats after = as.stats();
        note("minor faults " + before.minorFaults() + " -> " + after.minorFaults() + ", RssAnon " + before.rssAnon() * 4
                + " kB -> " + after.rssAnon() * 4 + " kB; the MMU's page-table walk:");
        out.print(indent(as.pageWalk(header).render()));

        say("4. A read of a page nobody has written maps the shared zero page: no memory is spent.");
        long far = start + 0x10000;
        call("load64(" + hex(far) + ")", hex(as.load64(far)));
        note("RssAnon stays " + as.stats().rssAnon() * 4 + " kB; the PTE points at frame 0, read-only:");
        out.print(indent(as.pageWalk(far).render()));
        say("   Writing there copies the zero page into a frame of its own (do_wp_page):");
        as.store64(far, 42);
        call("store64(" + hex(far) + ", 0x2a)", "0");
        out.print(indent(as.pageWalk(far).render()));

        say("5. malloc(1 MiB) is above the 128 KiB mmap threshold: glibc maps it on its own.");
        long len = 1052672;
        long m = as.mmap(0, len, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        call("mmap(NULL, " + len + ", PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)", hex(m));
        note("It lands top-down below the libraries, in the highest gap that fits, as Linux places it.");
        out.print(indent(around(ProcMaps.of(as), m)));
        say("   free() gives it straight back:");
        call("munmap(" + hex(m) + ", " + len + ")", Integer.toString(as.munmap(m, len)));

        say("6. The emulated /proc/self/status now reads:");
        out.print(indent(ProcStatus.taskMem(as.stats(), ProcStatus.textBytes(as.vmas(), as.exePath()))));
        as.checkConsistency();
        say("Every VMA, page-table entry, frame and counter checked consistent. Next: "
                + "./mallocsim shell, a prompt for syscalls like these.");
        return 0;
    }

    private void counters(MmStats s) {
        note("map_count " + s.mapCount() + ", VmSize " + s.totalVm() * 4 + " kB, VmRSS " + s.rss() * 4
                + " kB, minor faults " + s.minorFaults());
    }

    private void say(String s) {
        out.println();
        out.println(s);
    }

    private void note(String s) {
        out.println("   # " + s);
    }

    private void call(String call, String result) {
        out.println("   " + call + " = " + result);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String indent(String text) {
        return text.replaceAll("(?m)^", "   ");
    }

    private static String grep(String text, String needle) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.contains(needle)) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    /** The maps lines next to the one that starts at {@code addr}. */
    private static String around(String maps, long addr) {
        String[] lines = maps.split("\n");
        String key = Long.toHexString(addr) + "-";
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith(key)) {
                StringBuilder sb = new StringBuilder();
                for (int j = Math.max(0, i - 1); j <= Math.min(lines.length - 1, i + 1); j++) {
                    sb.append(lines[j])
                            .append(j == i ? "   <- the new mapping" : "")
                            .append('\n');
                }
                return sb.toString();
            }
        }
        return maps;
    }

    /** The bundled start of grep's trace: its map, start-brk and the break after its first call. */
    private static final class Recorded {
        final List<String> maps = new ArrayList<>();
        long startBrk;
        long firstBrk;

        /** Reads the bundled trace start with the trace reader: header, then the first call's break. */
        static Recorded load() {
            Recorded r = new Recorded();
            InputStream in = DemoTour.class.getResourceAsStream(LISTING);
            if (in == null) {
                throw new IllegalStateException("the demo's bundled listing " + LISTING + " is missing from the jar");
            }
            try (TraceReader t = Traces.open(in, LISTING, false)) {
                r.maps.addAll(t.header().maps);
                r.startBrk = t.header().startBrk;
                TraceEvent e = new TraceEvent();
                if (t.next(e)) {
                    r.firstBrk = e.brk;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return r;
        }
    }
}
