package org.mallocsim.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mallocsim.traces.format.TraceFormat;
import org.mallocsim.traces.format.TraceWriter;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.gen.TraceWriterSink;
import org.mallocsim.traces.gen.WorkloadGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mallocsim generate}: a seeded synthetic trace (see {@link WorkloadGenerator}); run it
 * through {@code mallocsim native} to get glibc's answers.
 */
@Command(name = "generate", description = "Writes a seeded synthetic malloc trace (answers left for a replay).")
public final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--shape", description = "SIMPLE, LARSON, CACHE_THRASH or MIXED (default ${DEFAULT-VALUE})",
            defaultValue = "MIXED")
    WorkloadGenerator.Shape shape;

    @Option(names = "--seed", defaultValue = "1", description = "seed of every random choice (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--calls", defaultValue = "100000", description = "about this many calls (default ${DEFAULT-VALUE})")
    int calls;

    @Option(names = "--threads", defaultValue = "1", description = "threads (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--max-live", defaultValue = "4096", description = "most live blocks per thread (default ${DEFAULT-VALUE})")
    int maxLive;

    @Option(names = "--format", defaultValue = "TEXT_ZSTD",
            description = "TEXT, TEXT_ZSTD, BINARY or BINARY_ZSTD (default ${DEFAULT-VALUE})")
    TraceFormat format;

    @Option(names = {"-o", "--output"}, required = true, description = "the trace file to write")
    Path output;

    @Override
    public Integer call() throws Exception {
        WorkloadGenerator.Params p = new WorkloadGenerator.Params(shape, seed, calls, threads, maxLive);
        int made;
        try (TraceWriter w = Traces.create(output, format)) {
            made = WorkloadGenerator.generate(p, new TraceWriterSink(w, p));
        }
        System.out.println(output + ": " + made + " calls, " + shape + " seed " + seed + ", " + threads + " thread(s)");
        return 0;
    }
}
