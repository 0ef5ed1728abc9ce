package org.mallocsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mallocsim.traces.format.TraceFormat;
import org.mallocsim.traces.format.TraceWriter;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.gen.CallSink;
import org.mallocsim.traces.gen.TraceWriterSink;
import org.mallocsim.traces.gen.WorkloadGenerator;
import org.mallocsim.traces.io.Json;
import org.mallocsim.traces.io.OutputFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mallocsim generate}: a seeded synthetic trace (see {@link WorkloadGenerator}); run it
 * through {@code mallocsim native} to get glibc's answers. Every argument is checked before the
 * output file is touched, and the file is written through {@link OutputFile}.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Writes a seeded synthetic malloc trace (answers left for a replay).")
public final class GenerateCommand implements Callable<Integer> {
    @Option(
            names = "--shape",
            description = "one of ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}); "
                    + "what each does: WorkloadGenerator's Javadoc, or the README",
            defaultValue = "MIXED")
    WorkloadGenerator.Shape shape;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "seed of every random choice (default ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--calls",
            defaultValue = "100000",
            description = "about this many calls (default ${DEFAULT-VALUE})")
    int calls;

    @Option(
            names = "--threads",
            defaultValue = "1",
            description = "threads, at most " + WorkloadGenerator.MAX_THREADS + " (default ${DEFAULT-VALUE})")
    int threads;

    @Option(
            names = "--max-live",
            defaultValue = "4096",
            description = "most live blocks per thread (default ${DEFAULT-VALUE})")
    int maxLive;

    @Option(
            names = "--tunables",
            paramLabel = "GLIBC_TUNABLES",
            description = "the GLIBC_TUNABLES the workload runs under, written in the trace's header "
                    + "(native and replay apply them)")
    String tunables;

    @Option(
            names = "--format",
            defaultValue = "TEXT",
            description = "TEXT or BINARY (default ${DEFAULT-VALUE}); zstd-compressed when FILE ends in .zst")
    TraceFormat format;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "FILE",
            description = "the trace file to write")
    Path output;

    @Option(
            names = "--json",
            description = "print one JSON object (file, format, compressed, shape, seed, calls, threads, "
                    + "maxLive, tunables, bytes) instead of the line")
    boolean json;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        WorkloadGenerator.Params p;
        boolean binary;
        try {
            p = new WorkloadGenerator.Params(shape, seed, calls, threads, maxLive);
            binary = Traces.binaryFormatFor(output, format);
        } catch (IllegalArgumentException e) {
            err.println("mallocsim generate: " + e.getMessage());
            return 2;
        }
        int made;
        try (OutputFile file = OutputFile.create(output);
                Progress progress = Progress.start("generate", "calls", calls)) {
            try (TraceWriter w = Traces.create(file, binary)) {
                CallSink sink = new TraceWriterSink(w, p, tunables);
                made = WorkloadGenerator.generate(p, new Counted(sink, progress));
            } catch (IOException e) {
                throw OutputFile.failure(output, e);
            } catch (UncheckedIOException e) {
                throw OutputFile.failure(output, e.getCause());
            }
            file.commit();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new Json.Obj()
                    .put("file", output.toString())
                    .put("format", binary ? "mrecb" : "mrec")
                    .put("compressed", output.getFileName().toString().endsWith(".zst"))
                    .put("shape", shape.name())
                    .put("seed", seed)
                    .put("calls", made)
                    .put("threads", threads)
                    .put("maxLive", maxLive)
                    .put("tunables", tunables == null ? "" : tunables)
                    .put("bytes", Files.size(output)));
        } else {
            out.println(output + ": " + made + " calls, " + shape + " seed " + seed + ", " + threads + " thread(s)");
        }
        return 0;
    }

    /** Passes every call on and moves the progress bar every 65,536 calls (a clock read at most). */
    private static final class Counted implements CallSink {
        private final CallSink next;
        private final Progress progress;
        private long n;

        Counted(CallSink next, Progress progress) {
            this.next = next;
            this.progress = progress;
        }

        @Override
        public void call(int tid, char op, long arg0, long arg1, long result) {
            next.call(tid, op, arg0, arg1, result);
            if ((++n & 0xffff) == 0) {
                progress.stepTo(n);
            }
        }
    }
}
