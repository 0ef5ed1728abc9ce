package org.mallocsim.cli.shell;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;
import org.mallocsim.kernel.mm.ThpMode;
import org.mallocsim.traces.format.TraceFormatException;
import org.mallocsim.traces.format.TraceHeader;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.io.OutputFile;

/**
 * A recorded process to start from: a trace's header (any format and compression mallocsim reads;
 * what {@code --native} writes is one, a trace without calls) or bare /proc/PID/maps lines. The
 * header is parsed by the trace readers, the maps lines by the kernel; this class only checks
 * that the result is a process that can be started, and names the file in every error.
 *
 * <p>The header's {@code # kernel} line ({@link TraceHeader#kernelSettings()}) carries the
 * machine's settings that a process's answers depend on but that no process can learn from its own
 * calls ({@code thp-enabled always|madvise|never}, {@code pku 0|1}, {@code zero-page 0|1}); an
 * emulated run takes them as its configuration ({@link #configure}).
 *
 * @param maps     the maps lines
 * @param startBrk the program break at the start, 0 when the listing does not say
 * @param kernel   the {@code # kernel} line's settings, name to value; empty when there is none
 */
record Listing(List<String> maps, long startBrk, Map<String, String> kernel) {
    /** The lowest address a mapping may have: vm.mmap_min_addr's default. */
    private static final long MMAP_MIN_ADDR = 4096;
    /** The end of user space on x86-64 with 4-level paging (TASK_SIZE_MAX). */
    private static final long TASK_SIZE = 0x7ffffffff000L;

    /** Reads and checks a listing file. */
    static Listing read(Path file) throws IOException {
        Listing l = header(() -> Traces.open(file, true), file.toString());
        if (l == null) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IOException(
                        file + ": " + OutputFile.reason(e) + "; expected a trace or /proc/PID/maps lines", e);
            }
            l = maps(lines, file.toString());
        }
        l.check(file.toString());
        return l;
    }

    /** Parses and checks a listing's lines ({@code source} names it in errors). */
    static Listing parse(List<String> lines, String source) throws IOException {
        byte[] text = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
        Listing l = header(() -> Traces.open(new ByteArrayInputStream(text), source, true), source);
        if (l == null) {
            l = maps(lines, source);
        }
        l.check(source);
        return l;
    }

    /** As {@link #parse(List, String)}, for lines known to be good (an error is unchecked). */
    static Listing parse(List<String> lines) {
        try {
            return parse(lines, "listing");
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Opens a trace reader. */
    private interface Opener {
        TraceReader open() throws IOException;
    }

    /** The listing in a trace's header, or null when the input is not a trace. */
    private static Listing header(Opener opener, String source) throws IOException {
        TraceHeader h;
        try (TraceReader r = opener.open()) {
            h = r.header();
        } catch (TraceFormatException e) {
            if (e.getMessage().endsWith(Traces.UNKNOWN_FORMAT)) {
                return null; // not a trace: maps lines, or nothing usable
            }
            throw e;
        }
        if (h.maps.isEmpty()) {
            throw new IOException(source + ": the trace's header has no '# map' lines"
                    + (h.importedFrom() == null ? "" : " (an import from " + h.importedFrom() + " records none)")
                    + ", so there is no address space to start from");
        }
        return new Listing(
                List.copyOf(h.maps), h.hasStartBrk ? h.startBrk : 0, Collections.unmodifiableMap(h.kernelSettings()));
    }

    /** Bare /proc/PID/maps lines (the kernel's parser checks each one). */
    private static Listing maps(List<String> lines, String source) throws IOException {
        List<String> maps =
                lines.stream().filter(s -> !s.isBlank()).map(String::strip).toList();
        if (maps.isEmpty()) {
            throw new IOException(source + ": empty; expected a trace or /proc/PID/maps lines");
        }
        return new Listing(maps, 0, Map.of());
    }

    /** What the kernel would not catch, or would take silently. */
    private void check(String file) throws IOException {
        if (startBrk != 0 && ((startBrk & 0xfff) != 0 || Long.compareUnsigned(startBrk, TASK_SIZE) >= 0)) {
            throw new IOException(file + ": start-brk 0x" + Long.toHexString(startBrk)
                    + " is not a page-aligned user-space address (below 0x" + Long.toHexString(TASK_SIZE) + ")");
        }
        for (Map.Entry<String, String> k : kernel.entrySet()) {
            boolean known = switch (k.getKey()) {
                case "thp-enabled" -> k.getValue().matches("always|madvise|never");
                case "pku", "zero-page" -> k.getValue().matches("[01]");
                default -> true; // a setting this version does not use
            };
            if (!known) {
                throw new IOException(file + ": '# kernel' line: " + k.getKey() + " " + k.getValue()
                        + " is not a value it can take (thp-enabled always|madvise|never, pku 0|1, zero-page 0|1)");
            }
        }
        for (int i = 0; i < maps.size(); i++) {
            String m = maps.get(i);
            int dash = m.indexOf('-');
            long start;
            try {
                start = Long.parseUnsignedLong(m.substring(0, Math.max(dash, 0)), 16);
            } catch (NumberFormatException e) {
                continue; // the kernel's parser says what is wrong with the line
            }
            if (Long.compareUnsigned(start, MMAP_MIN_ADDR) < 0) {
                throw new IOException(file + ": maps line " + (i + 1) + ": a mapping at 0x" + Long.toHexString(start)
                        + " is below vm.mmap_min_addr (" + MMAP_MIN_ADDR + "), got \"" + m + "\"");
            }
        }
    }

    /** The emulated process this listing describes. */
    AddressSpace start(KernelConfig config, Path file) throws IOException {
        try {
            return AddressSpace.fromMaps(config, maps, startBrk);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** {@code b} with the settings this listing records applied; the others stay as they were. */
    KernelConfig.Builder configure(KernelConfig.Builder b) {
        String thp = kernel.get("thp-enabled");
        if (thp != null) {
            b.thpEnabled(ThpMode.of(thp));
        }
        if (kernel.containsKey("pku")) {
            b.pku(kernel.get("pku").equals("1"));
        }
        if ("0".equals(kernel.get("zero-page"))) {
            b.zeroPage(false);
        }
        return b;
    }
}
