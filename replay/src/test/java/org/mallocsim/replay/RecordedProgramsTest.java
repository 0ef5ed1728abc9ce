package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceHeader;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.natives.FidelityReport.Kind;
import org.mallocsim.traces.natives.Recorder;

/**
 * Programs of this machine, recorded now with the repository's recorder, replay under ptmalloc
 * with every {@link org.mallocsim.traces.natives.FidelityReport} class at 100%: an interpreter,
 * a threaded interpreter, a parallel compressor, a database, a shell pipeline (forks and execs),
 * a compiler driver with its passes, and a C program whose threads exit and are replaced, outnumber
 * the arena limit, or hold an arena across a fork. Every trace of a run is replayed: the
 * program's, its forked children's and its exec'd programs'. The programs come from Debian
 * packages {@code .ci/run} installs.
 */
class RecordedProgramsTest {
    @TempDir
    static Path tmp;

    private static Path threads;
    private static Path data;

    @BeforeAll
    static void buildInputs() throws Exception {
        Path source = tmp.resolve("threads.c");
        try (InputStream in = RecordedProgramsTest.class.getResourceAsStream("/programs/threads.c")) {
            Files.copy(in, source);
        }
        threads = tmp.resolve("threads");
        run(List.of("gcc", "-O1", "-pthread", "-o", threads.toString(), source.toString()));
        data = tmp.resolve("data.txt");
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 60_000; i++) {
            sb.append((i * 7919L) % 100_003).append(" line ").append(i).append('\n');
        }
        Files.writeString(data, sb, StandardCharsets.US_ASCII);
        try (InputStream in = RecordedProgramsTest.class.getResourceAsStream("/programs/db.sql")) {
            Files.copy(in, tmp.resolve("db.sql"));
        }
    }

    /** A program to record: its name, command line, extra environment and what its run must show. */
    private record Program(
            String name,
            List<String> command,
            Map<String, String> env,
            long minCalls,
            boolean threadArenas,
            int minThreads,
            boolean reachesArenaLimit) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String PYTHON = "/usr/bin/python3";
    private static final String PYTHON_DICTS = "import json, re, collections\n"
            + "d = {str(i): [i] * (i % 13) for i in range(4000)}\n"
            + "s = json.dumps(d)\n"
            + "c = collections.Counter(len(v) for v in json.loads(s).values())\n"
            + "print(len(re.findall(r'\\d+', s)), c.most_common(2))\n";
    private static final String PYTHON_THREADS = "import threading\n"
            + "def work(n):\n"
            + "    d = {}\n"
            + "    for i in range(600):\n"
            + "        d[str(i)] = [n] * (i % 9)\n"
            + "        if i % 3 == 0:\n"
            + "            d.pop(str(i - 1), None)\n"
            + "for wave in range(3):\n"
            + "    ts = [threading.Thread(target=work, args=(i,)) for i in range(3)]\n"
            + "    [t.start() for t in ts]\n"
            + "    [t.join() for t in ts]\n";

    static Stream<Arguments> programs() {
        int arenaLimit = 8 * Math.max(2, Runtime.getRuntime().availableProcessors());
        String d = data.toString();
        return Stream.of(
                        new Program("python3", List.of(PYTHON, "-c", PYTHON_DICTS), Map.of(), 2_000, false, 0, false),
                        new Program(
                                "python3 threads",
                                List.of(PYTHON, "-c", PYTHON_THREADS),
                                Map.of("PYTHONMALLOC", "malloc"),
                                20_000,
                                true,
                                9,
                                false),
                        new Program(
                                "xz -T2",
                                List.of("xz", "-T2", "-6", "--block-size=200000", "-c", d),
                                Map.of(),
                                50,
                                true,
                                2,
                                false),
                        new Program(
                                "sqlite3",
                                List.of(
                                        "sqlite3",
                                        ":memory:",
                                        "-init",
                                        tmp.resolve("db.sql").toString(),
                                        ".quit"),
                                Map.of(),
                                20_000,
                                false,
                                0,
                                false),
                        new Program(
                                "sh pipeline",
                                List.of(
                                        "sh",
                                        "-c",
                                        "sort -r " + d + " | sed s/line/L/ | awk '{n += $1} END {print n}'"),
                                Map.of(),
                                1_000,
                                false,
                                0,
                                false),
                        new Program(
                                "gcc",
                                List.of(
                                        "gcc",
                                        "-O1",
                                        "-c",
                                        "-o",
                                        tmp.resolve("threads.o").toString(),
                                        tmp.resolve("threads.c").toString()),
                                Map.of(),
                                10_000,
                                false,
                                0,
                                false),
                        new Program(
                                "threads churn",
                                List.of(threads.toString(), "churn", "3", "4"),
                                Map.of(),
                                20_000,
                                true,
                                12,
                                false),
                        new Program(
                                "threads over the arena limit",
                                List.of(threads.toString(), "many", Integer.toString(arenaLimit + 4)),
                                Map.of(),
                                20_000,
                                true,
                                arenaLimit + 4,
                                true),
                        new Program(
                                "threads across a fork",
                                List.of(threads.toString(), "fork"),
                                Map.of(),
                                500,
                                true,
                                1,
                                false))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void aProgramRecordedHereReplaysUnderPtmallocAt100Percent(Program p) throws IOException {
        Path out = tmp.resolve(p.name().replace(' ', '-') + ".mrecb");
        Recorder.Recording r = Recorder.record(
                p.command(), out, Recorder.Format.BINARY, false, ProcessBuilder.Redirect.DISCARD, p.env());
        assertThat(r.exitCode()).as(p.name() + " exit code").isZero();

        List<Path> traces = new ArrayList<>();
        traces.add(r.trace());
        traces.addAll(r.otherTraces());
        long calls = 0;
        long threadArenaCalls = 0;
        Set<Integer> threadsSeen = new HashSet<>();
        for (Path t : traces) {
            TraceFidelity.Outcome o = TraceFidelity.replay(t, ReplayOptions.of("glibc"));
            System.out.print(o.describe());
            assertThat(o.faithful()).as(o.describe()).isTrue();
            calls += o.report().recordedCalls();
            threadArenaCalls += o.counts().get(Kind.THREAD_ARENA).total();
            threadsSeen.addAll(threadStarts(t));
        }
        assertThat(calls)
                .as(p.name() + ": calls in " + traces.size() + " traces")
                .isGreaterThanOrEqualTo(p.minCalls());
        if (p.threadArenas()) {
            assertThat(threadArenaCalls)
                    .as(p.name() + ": calls answered from thread arenas")
                    .isPositive();
        }
        assertThat(threadsSeen.size()).as(p.name() + ": threads started").isGreaterThanOrEqualTo(p.minThreads());
        if (p.reachesArenaLimit()) {
            int limit = 8 * header(r.trace()).nprocs; // glibc's NARENAS_FROM_NCORES of __get_nprocs()
            assertThat(threadsSeen.size())
                    .as("threads started, over the arena limit")
                    .isGreaterThan(limit);
            assertThat(TraceFidelity.threadHeaps(r.trace()))
                    .as("thread arenas besides main_arena")
                    .isEqualTo(limit - 1);
        }
    }

    /** The tids of the threads a trace saw start. */
    private static Set<Integer> threadStarts(Path trace) throws IOException {
        Set<Integer> tids = new HashSet<>();
        try (TraceReader r = Traces.open(trace)) {
            TraceEvent e = new TraceEvent();
            while (r.next(e)) {
                if (e.op == TraceEvent.THREAD_START) {
                    tids.add(e.tid);
                }
            }
        }
        return tids;
    }

    private static TraceHeader header(Path trace) throws IOException {
        try (TraceReader r = Traces.open(trace)) {
            return r.header();
        }
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(command + " finished").isTrue();
        assertThat(p.exitValue()).as(command + ": " + output).isZero();
    }
}
