package org.mallocsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceFormat;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.TraceWriter;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.io.Json;
import org.mallocsim.traces.io.OutputFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mallocsim convert IN OUT [--format F]}: rewrites a trace in another format. IN may be
 * any format mallocsim reads (mrec text, mrecb binary, mtrace, heaptrack; plain, zstd or gzip);
 * OUT is mrec text or mrecb, zstd-compressed when its name ends in {@code .zst}. Without
 * {@code --format} the name decides: a name containing {@code .mrecb} is binary, any other text.
 * The file is written through {@link OutputFile}: it appears whole or not at all, never over IN.
 */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        description = "Convert a trace between formats (mrec text, mrecb binary, zstd by name; "
                + "mtrace and heaptrack imports as input).")
public final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "the trace to read, in any format mallocsim reads")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "the trace to write (.zst compresses)")
    Path out;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            description = "TEXT, BINARY, TEXT_ZSTD or BINARY_ZSTD (default: from OUT's name: .mrecb is binary)")
    TraceFormat format;

    @Option(names = "--json", description = "print one JSON object instead of the summary line")
    boolean json;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            Main.checkReadable(in);
            boolean binary = binaryFor(out, format);
            long events = convert(in, out, binary);
            PrintWriter o = spec.commandLine().getOut();
            String name = binary ? "mrecb" : "mrec";
            if (json) {
                o.printf(
                        Locale.ROOT,
                        "{ \"input\": %s, \"output\": %s, \"format\": \"%s\", \"compressed\": %b, "
                                + "\"events\": %d }%n",
                        Json.str(in.toString()),
                        Json.str(out.toString()),
                        name,
                        out.getFileName().toString().endsWith(".zst"),
                        events);
            } else {
                o.println(out + ": " + events + " events from " + in + " as " + name
                        + (out.getFileName().toString().endsWith(".zst") ? " (zstd)" : ""));
            }
            o.flush();
            return 0;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            err.println("mallocsim convert: " + Main.describe(e));
            err.flush();
        }
        return Main.FAILED;
    }

    /** The encoding of OUT: {@code --format} when given, else binary when the name says mrecb. */
    static boolean binaryFor(Path out, TraceFormat format) {
        String name = out.getFileName().toString();
        if (name.endsWith(".gz")) {
            throw new IllegalArgumentException(
                    out + ": mallocsim reads gzip but writes only zstd (name it .zst) " + "or plain traces");
        }
        return format == null ? name.contains(".mrecb") : Traces.binaryFormatFor(out, format);
    }

    /** Copies every event of IN into OUT; returns the number of events. */
    static long convert(Path in, Path out, boolean binary) throws IOException {
        try (OutputFile file = OutputFile.create(out, in)) {
            long n;
            try (TraceReader r = Traces.open(in);
                    Progress p = Progress.start("converting " + in.getFileName(), "events", -1)) {
                try (TraceWriter w = Traces.create(file, binary)) {
                    w.writeHeader(r.header());
                    TraceEvent e = new TraceEvent();
                    n = 0;
                    while (r.next(e)) {
                        w.write(e);
                        if (++n % (1 << 16) == 0) {
                            p.stepTo(n);
                        }
                    }
                } catch (UncheckedIOException e) {
                    throw OutputFile.failure(out, e.getCause());
                }
            }
            file.commit();
            return n;
        }
    }
}
