package org.mallocsim.replay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.AllocatorFactory;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;
import org.mallocsim.traces.format.TraceHeader;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;

/**
 * What a replay starts from, before its first call: the emulated process (the recorded layout or
 * a clean one), its allocator with the recorded malloc settings, and a forked child's ancestors,
 * whose traces run first ({@link ForkAncestry}). Shared by {@link ReplayEngine#replay} and
 * {@link ReplayCursor}, so both start the same process.
 *
 * @param space             the process
 * @param allocator         its allocator
 * @param baselineDataPages the process's data pages before the allocator's first call
 * @param ancestry          the ancestors to replay first (empty unless the trace is a forked child's)
 */
record ProcessStart(AddressSpace space, Allocator allocator, long baselineDataPages, List<ForkAncestry.Step> ancestry) {
    /** The process of {@code input}'s replay before its first call, as the replay options ask. */
    static ProcessStart of(TraceHeader header, Path input, ReplayOptions options) throws IOException {
        List<ForkAncestry.Step> ancestry = ForkAncestry.continuesParent(input, header)
                ? ForkAncestry.of(input, header, options.lenient())
                : List.of();
        TraceHeader processHeader =
                ancestry.isEmpty() ? header : headerOf(ancestry.get(0).trace(), options);
        String source =
                ancestry.isEmpty() ? input.toString() : ancestry.get(0).trace().toString();
        AddressSpace space = options.cleanLayout()
                ? new AddressSpace(options.kernel())
                : startProcess(processHeader, options.kernel(), source);
        long baselineDataPages = space.dataVmPages();
        Allocator allocator;
        try {
            allocator = options.factory().create(space, allocatorOptions(processHeader, options.tunables()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IOException(
                    source + ": the " + options.allocatorName() + " allocator cannot start: " + e.getMessage(), e);
        }
        return new ProcessStart(space, allocator, baselineDataPages, ancestry);
    }

    private static TraceHeader headerOf(Path trace, ReplayOptions options) throws IOException {
        try (TraceReader r = Traces.open(trace, options.lenient())) {
            return r.header();
        }
    }

    /**
     * The emulated process at the first call: the recorded listing when the header has one and
     * start-brk, else a fresh default layout.
     */
    static AddressSpace startProcess(TraceHeader header, KernelConfig kernel, String source) throws IOException {
        if (header.hasStartBrk && !header.maps.isEmpty()) {
            try {
                return AddressSpace.fromMaps(kernel, header.maps, header.startBrk);
            } catch (IllegalArgumentException e) {
                throw new IOException(source + ": the header's # map listing: " + e.getMessage(), e);
            }
        }
        return new AddressSpace(kernel);
    }

    /**
     * The recorded process's malloc settings, as {@link AllocatorFactory} names them, with
     * {@code extraTunables} appended to its GLIBC_TUNABLES (glibc reads them left to right, so they win).
     */
    static Map<String, String> allocatorOptions(TraceHeader header, List<String> extraTunables) {
        Map<String, String> o = new LinkedHashMap<>();
        String tunables = header.tunables;
        for (String t : extraTunables) {
            tunables = tunables == null || tunables.isEmpty() ? t : tunables + ":" + t;
        }
        if (tunables != null) {
            o.put(AllocatorFactory.TUNABLES, tunables);
        }
        if (header.nprocs != 0) {
            o.put(AllocatorFactory.NPROCS, Integer.toString(header.nprocs));
        }
        for (String line : header.otherLines) {
            if (line.startsWith("env MALLOC_") && line.indexOf('=') > 0) {
                String setting = line.substring(4).trim();
                int eq = setting.indexOf('=');
                o.put(setting.substring(0, eq), setting.substring(eq + 1));
            }
        }
        return o;
    }
}
