package org.mallocsim.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mallocsim.replay.sweep.Sweep;
import org.mallocsim.replay.sweep.SweepCell;
import org.mallocsim.replay.sweep.SweepPlan;
import org.mallocsim.replay.sweep.SweepReport;
import org.mallocsim.replay.sweep.SweepRow;
import org.mallocsim.replay.sweep.SweepSettings;
import org.mallocsim.replay.sweep.SweepTables;
import org.mallocsim.traces.io.OutputFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mallocsim sweep TRACES... --policy P1,P2 --tunable glibc.malloc.NAME=v1,v2}: replays every
 * combination of traces, policies and tunable values, in parallel, and prints one row per
 * replay (text, {@code --json}), with {@code --csv FILE} and {@code --report FILE.html} besides.
 * {@code --engine spark} runs the same cells as a Spark job through the optional
 * {@code sweep-spark} module, found on the class path at run time (the core jar has no Spark).
 */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        description = "Replay traces under every combination of policies and glibc tunables; compare what each cost.")
public final class SweepCommand implements Callable<Integer> {
    /** The class of the optional Spark engine, in the sweep-spark module. */
    static final String SPARK_ENGINE = "org.mallocsim.sweep.spark.SparkSweep";

    @Parameters(paramLabel = "TRACE", arity = "1..*", description = "traces in any format mallocsim reads")
    List<Path> traces;

    @Option(
            names = "--policy",
            paramLabel = "P1,P2",
            split = ",",
            defaultValue = "glibc",
            description = "policies to compare (default: ${DEFAULT-VALUE})")
    List<String> policies;

    @Option(
            names = "--tunable",
            paramLabel = "glibc.malloc.NAME=v1,v2",
            description = "values of one glibc tunable to try (repeatable; every combination is replayed)")
    List<String> tunables = new ArrayList<>();

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "0",
            description = "replays at once (default: the cores, as many as the host's memory allows)")
    int threads;

    @Option(
            names = "--touch",
            paramLabel = "MODE",
            defaultValue = "pages",
            description = "write into each new block: none, first, pages or bytes (default: ${DEFAULT-VALUE})")
    String touch;

    @Option(
            names = "--ram",
            paramLabel = "MiB",
            defaultValue = "1024",
            description = "emulated RAM of each replay, in MiB (default: ${DEFAULT-VALUE})")
    long ramMib;

    @Option(names = "--csv", paramLabel = "FILE", description = "also write the rows as CSV")
    Path csv;

    @Option(names = "--json", description = "print JSON instead of the table")
    boolean json;

    @Option(names = "--report", paramLabel = "FILE.html", description = "also write a self-contained HTML report")
    Path report;

    @Option(names = "--no-timing", description = "leave the machine-dependent ns/call out")
    boolean noTiming;

    @Option(
            names = "--engine",
            paramLabel = "ENGINE",
            defaultValue = "local",
            description =
                    "local (threads in this JVM) or spark (needs the sweep-spark module) (default: ${DEFAULT-VALUE})")
    String engine;

    @Option(
            names = "--master",
            paramLabel = "URL",
            defaultValue = "local[*]",
            description = "Spark master for --engine spark (default: ${DEFAULT-VALUE})")
    String master;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            List<String> names = new ArrayList<>();
            for (Path t : traces) {
                Main.checkReadable(t);
                names.add(t.toString());
            }
            Path[] inputs = traces.toArray(new Path[0]);
            if (csv != null) {
                OutputFile.check(csv, inputs);
            }
            if (report != null) {
                OutputFile.check(report, inputs);
            }
            if (ramMib < 16) {
                throw new IllegalArgumentException("--ram: at least 16 MiB, not " + ramMib);
            }
            if (!engine.equals("local") && !engine.equals("spark")) {
                throw new IllegalArgumentException("--engine: expected local or spark, not '" + engine + "'");
            }
            SweepPlan plan = SweepPlan.of(names, policies, tunables);
            SweepSettings settings = new SweepSettings(ReplayCommand.parseTouch(touch), ramMib << 20);
            List<SweepCell> cells = plan.cells();
            List<SweepRow> rows = engine.equals("spark") ? spark(cells, settings) : local(cells, settings);
            boolean timing = !noTiming;
            if (csv != null) {
                write(csv, SweepTables.csv(rows, timing), inputs);
            }
            if (report != null) {
                write(report, SweepReport.render(rows, timing), inputs);
            }
            out.print(json ? SweepTables.json(rows, timing) : SweepTables.text(rows, timing));
            out.flush();
            return 0;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            err.println("mallocsim sweep: " + Main.describe(e));
            err.flush();
            return Main.FAILED;
        }
    }

    private List<SweepRow> local(List<SweepCell> cells, SweepSettings settings) throws IOException {
        int n = Sweep.threads(threads, cells.size(), settings);
        try (Progress bar = Progress.start("sweep", "replays", cells.size())) {
            return Sweep.run(cells, settings, n, done -> {
                synchronized (bar) {
                    bar.stepTo(done);
                }
            });
        }
    }

    /** Runs the cells through the sweep-spark module, loaded by name so the core carries no Spark. */
    @SuppressWarnings("unchecked")
    private List<SweepRow> spark(List<SweepCell> cells, SweepSettings settings) throws IOException {
        Class<?> c;
        try {
            c = Class.forName(SPARK_ENGINE);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("--engine spark: the sweep-spark module is not on the class path "
                    + "(build it with ./mvnw -pl sweep-spark -am package; the mallocsim script then adds it)");
        }
        try {
            Method run = c.getMethod("run", List.class, SweepSettings.class, String.class);
            return (List<SweepRow>) run.invoke(null, cells, settings, master);
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            if (t instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("--engine spark: " + Main.describe(t), t);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("--engine spark: " + SPARK_ENGINE + " cannot be run: " + e, e);
        }
    }

    /** Writes {@code text} to {@code target} through a temporary file, never over an input. */
    static void write(Path target, String text, Path... inputs) throws IOException {
        try (OutputFile f = OutputFile.create(target, inputs)) {
            try (OutputStream o = f.open()) {
                o.write(text.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw OutputFile.failure(target, e);
            }
            f.commit();
        }
    }
}
