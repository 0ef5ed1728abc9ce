package org.mallocsim.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.AllocatorFactory;
import org.mallocsim.allocator.Allocators;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.cli.Cli;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.replay.ReplayEngine;
import org.mallocsim.replay.ReplayOptions;
import org.mallocsim.replay.ReplayResult;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceFormat;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.TraceWriter;
import org.mallocsim.traces.format.Traces;

/** {@code shell --trace}: the process of a replay at any call, moved with step, goto and back. */
class ShellTraceTest {
    private static final Path GREP = Path.of("..", "traces", "grep.mrec.zst");
    private static final Path DIFF = Path.of("..", "traces", "diff.mrec.zst");
    /** The views compared between two ways of reaching a call. */
    private static final String VIEWS = "heap\nbins\ntcache\nfastbins\narena\nmaps\nsmaps\nstatus\n";

    @TempDir
    Path dir;

    /** A shell whose output is kept, to be read after each script. */
    private static final class Typist {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        final Shell shell;

        Typist(TraceSession session) {
            shell = new Shell(session, out);
        }

        Typist(Backend backend) {
            shell = new Shell(backend, out);
        }

        /** What {@code script} prints, its lines numbered from 1. */
        String type(String script) {
            bytes.reset();
            String[] lines = script.split("\n");
            for (int i = 0; i < lines.length; i++) {
                shell.execute(lines[i], i + 1);
            }
            out.flush();
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    private static Typist at(Path trace, long call) throws IOException {
        return new Typist(TraceSession.open(trace, ReplayOptions.of("glibc"), call));
    }

    /**
     * The views of the process a full replay ({@link ReplayEngine#replay}, with its fidelity check,
     * timeline and live blocks) leaves after {@code n} calls: the trace cut after its call n is
     * replayed whole, and the allocator it made is kept.
     */
    private String viewsOfFullReplay(Path trace, long n) throws IOException {
        Path cut = dir.resolve("cut-" + n + ".mrec");
        try (TraceReader r = Traces.open(trace);
                TraceWriter w = Traces.create(Files.newOutputStream(cut), TraceFormat.TEXT)) {
            w.writeHeader(r.header());
            TraceEvent e = new TraceEvent();
            for (long calls = 0; calls < n && r.next(e); ) {
                w.write(e);
                calls += e.op == TraceEvent.FREE || TraceEvent.allocates(e.op) ? 1 : 0;
            }
        }
        Allocator[] made = new Allocator[1];
        AllocatorFactory glibc = Allocators.factory("glibc");
        ReplayResult result =
                ReplayEngine.replay(cut, ReplayOptions.of("glibc", (space, o) -> made[0] = glibc.create(space, o)));
        assertThat(result.calls()).isEqualTo(n);
        assertThat(result.fidelity().faithful()).isTrue();
        AddressSpace space = made[0].addressSpace();
        return new Typist(new EmulatedBackend(space, made[0], "glibc", null)).type(VIEWS);
    }

    @ParameterizedTest(name = "{0} call {1}")
    @CsvSource({"grep, 1", "grep, 500", "grep, 9000", "grep, 22888", "diff, 40", "diff, 7000", "diff, 20330"})
    void gotoGivesTheProcessAFullReplayLeavesAfterThatCall(String name, long n) throws IOException {
        Path trace = name.equals("grep") ? GREP : DIFF;
        TraceSession session = TraceSession.open(trace, ReplayOptions.of("glibc"), 0);
        Typist shell = new Typist(session);
        // there by going past it and back when it can, so both the forward and the re-run paths count
        shell.type("goto " + Math.min(n + 777, session.total()) + "\ngoto " + n);
        assertThat(session.current()).isEqualTo(n);
        String travelled = shell.type(VIEWS);
        assertThat(travelled).contains("arena 0 (main)").contains("[heap]");
        assertThat(travelled).isEqualTo(viewsOfFullReplay(trace, n));
    }

    @Test
    void backKFromMIsGotoMMinusK() throws IOException {
        Typist back = at(DIFF, 0);
        assertThat(back.type("goto 5000\nstep 3\nback 1003")).endsWith("# at call 4000 of 20330 (line 4031)\n");
        Typist there = at(DIFF, 0);
        assertThat(there.type("goto 4000")).isEqualTo("# at call 4000 of 20330 (line 4031)\n");
        String views = VIEWS + "where 0x55fd663264a0\n";
        assertThat(back.type(views)).isEqualTo(there.type(views));
        assertThat(at(DIFF, 4000).type(views)).isEqualTo(there.type(views));
    }

    @Test
    void stepPrintsEachCallWithItsSyscallsNumberAndLine() {
        Cli.Result r = Cli.shell("step 3\nat\nstep\n", "--trace", GREP.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
                .isEqualTo("brk(NULL) = 0x55dd085ac000\n"
                        + "brk(0x55dd085cd000) = 0x55dd085cd000\n"
                        + "malloc(5) = 0x55dd085ac2a0   # call 1/22888, line 37\n"
                        + "free(0x55dd085ac2a0) = <void>   # call 2/22888, line 38\n"
                        + "malloc(472) = 0x55dd085ac2c0   # call 3/22888, line 39\n"
                        + "# at call 3 of 22888 (line 39)\n"
                        + "malloc(4096) = 0x55dd085ac4a0   # call 4/22888, line 40\n");
        assertThat(r.code()).isZero();
    }

    @Test
    void whereNamesTheCallsThatReturnedAndFreedABlock() {
        Cli.Result r = Cli.shell(
                "where 0x55dd085ac4a0\nwhere 0x55dd085ac4b0\nwhere 0x55dd085ac2c0\nwhere 0x1234\n",
                "--trace",
                GREP.toString(),
                "--at",
                "12");
        assertThat(r.out())
                .isEqualTo("# 0x55dd085ac4a0: returned by call 11 (line 47): malloc of 47 bytes = 0x55dd085ac4a0"
                        + " (recorded 0x55dd085ac4a0)\n"
                        + "#   freed by call 12 (line 48): free\n"
                        + "# 0x55dd085ac4b0: returned by call 11 (line 47): malloc of 47 bytes = 0x55dd085ac4a0"
                        + " (recorded 0x55dd085ac4a0), 16 bytes in\n"
                        + "#   freed by call 12 (line 48): free\n"
                        + "# 0x55dd085ac2c0: returned by call 3 (line 39): malloc of 472 bytes = 0x55dd085ac2c0"
                        + " (recorded 0x55dd085ac2c0)\n"
                        + "#   freed by call 9 (line 45): free\n"
                        + "# 0x1234: no call up to 12 returned a block holding it\n");
        // the same block, before its free: live
        assertThat(Cli.shell("where 0x55dd085ac4a0\n", "--trace", GREP.toString(), "--at", "11")
                        .out())
                .endsWith("#   live at call 11\n");
    }

    @Test
    void wherePlacesAPointerInTheChunksPaddingInTheBlock() {
        // call 11: malloc(47), a 64-byte chunk: 56 usable bytes, the last 9 of them padding
        Cli.Result r = Cli.shell(
                "where 0x55dd085ac4d2\nwhere 0x55dd085ac4d7\nwhere 0x55dd085ac4d8\n",
                "--trace",
                GREP.toString(),
                "--at",
                "11");
        assertThat(r.out())
                .startsWith("# 0x55dd085ac4d2: returned by call 11 (line 47): malloc of 47 bytes = 0x55dd085ac4a0"
                        + " (recorded 0x55dd085ac4a0), 50 bytes in, past the 47 asked for (the chunk's padding,"
                        + " 56 usable)\n"
                        + "#   live at call 11\n"
                        + "# 0x55dd085ac4d7: returned by call 11 (line 47): malloc of 47 bytes = 0x55dd085ac4a0"
                        + " (recorded 0x55dd085ac4a0), 55 bytes in, past the 47 asked for (the chunk's padding,"
                        + " 56 usable)\n"
                        + "#   live at call 11\n")
                .doesNotContain("0x55dd085ac4d8: returned by call 11");
        assertThat(r.code()).isZero();
    }

    @Test
    void typedCallsDivergeUntilTheNextMoveDropsThem() {
        Cli.Result r = Cli.shell("p = malloc(10)\nat\nstep\nat\n", "--trace", GREP.toString(), "--at", "98");
        assertThat(r.out())
                .isEqualTo("malloc(10) = 0x55dd085acfe0\n"
                        + "# at call 98 of 22888 (line 134); diverged from the trace by 1 typed call(s),"
                        + " dropped by the next step, goto or back\n"
                        + "malloc(32) = 0x55dd085acfe0   # call 99/22888, line 135\n" // the typed block is gone
                        + "# at call 99 of 22888 (line 135)\n");
    }

    @Test
    void aTypedCallThatKillsTheProcessIsDroppedByTheNextMove() {
        Cli.Result r = Cli.shell(
                "free(0x55dd085ac4a0)\nfree(0x55dd085ac4a0)\nheap\nat\nback 0\nwhere 0x55dd085ac4a0\n",
                "--trace",
                GREP.toString(),
                "--at",
                "11");
        assertThat(r.out())
                .isEqualTo("free(0x55dd085ac4a0) = <void>\n"
                        + "mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fd8ee7fc000\n"
                        + "free(): double free detected in tcache 2\n"
                        + "+++ killed by SIGABRT +++\n"
                        + "# the process is dead: step, goto or back re-run the trace to a call where it lives\n"
                        + "# at call 11 of 22888 (line 47); diverged from the trace by 2 typed call(s), dropped by the"
                        + " next step, goto or back\n"
                        + "# a typed call killed the process (SIGABRT); step, goto or back re-run the trace\n"
                        + "# at call 11 of 22888 (line 47)\n"
                        + "# 0x55dd085ac4a0: returned by call 11 (line 47): malloc of 47 bytes = 0x55dd085ac4a0"
                        + " (recorded 0x55dd085ac4a0)\n"
                        + "#   live at call 11\n");
        assertThat(r.code()).isZero();
    }

    @Test
    void wrongMovesAreErrorsThatLeaveTheProcessWhereItWas() {
        Cli.Result r = Cli.shell(
                "goto 22889\ngoto -1\ngoto x\nback 8\ngoto\nstep -2\nthread 1\nat\n",
                "--trace",
                GREP.toString(),
                "--at",
                "7");
        assertThat(r.out())
                .isEqualTo("# line 1: goto 22889: the trace has 22888 calls; expected a call from 0 to 22888\n"
                        + "# line 2: goto -1: the trace has 22888 calls; expected a call from 0 to 22888\n"
                        + "# line 3: 'x' in argument 1 is neither a constant nor a variable\n"
                        + "# line 4: back 8: the process is at call 7, 8 calls back is before the first\n"
                        + "# line 5: expected goto N, a call from 0 to 22888\n"
                        + "# line 6: step -2: expected a count of calls of 0 or more\n"
                        + "# line 7: in a trace's process the trace's threads run: typed calls run on the thread of"
                        + " its last call\n"
                        + "# at call 7 of 22888 (line 43)\n");
        assertThat(r.code()).isEqualTo(1);
    }

    @Test
    void badStartsAreOneLineNamingTheFile() throws IOException {
        Path bad = Files.writeString(
                dir.resolve("bad.mrec"), "# mrec 1 glibc 2.36 nprocs 2\n1 m 24 = 0x1000 0x21 0x0\n1 m zz = 0x2000\n");
        Cli.Result r = Cli.shell("", "--trace", bad.toString());
        assertThat(r.err()).isEqualTo("mallocsim shell: " + bad + ": line 3: expected a decimal size at column 5\n");
        assertThat(r.code()).isEqualTo(2);
        assertThat(Cli.shell("", "--trace", GREP.toString(), "--at", "22889").err())
                .isEqualTo(
                        "mallocsim shell: --at 22889: " + GREP + " has 22888 calls; expected a call from 0 to 22888\n");
        assertThat(Cli.shell("", "--trace", dir.resolve("none").toString()).err())
                .isEqualTo("mallocsim shell: " + dir.resolve("none") + ": no such file\n");
        assertThat(Cli.shell("", "--trace", GREP.toString(), "--maps", GREP.toString())
                        .err())
                .startsWith("mallocsim shell: --trace starts from the trace's process");
        assertThat(Cli.shell("", "--at", "3").err())
                .isEqualTo("mallocsim shell: --at, --allocator, --tunable and --layout go with --trace\n");
    }

    /** glibc, but the second free aborts as a double free would: a trace's process that dies. */
    private static Allocator doomed(AddressSpace space, Map<String, String> options) {
        Allocator glibc = Allocators.factory("glibc").create(space, options);
        int[] frees = new int[1];
        return (Allocator) java.lang.reflect.Proxy.newProxyInstance(
                Allocator.class.getClassLoader(), new Class<?>[] {Allocator.class}, (proxy, method, args) -> {
                    if (method.getName().equals("free") && ++frees[0] == 2) {
                        throw new MallocAbort("free(): double free detected in tcache 2");
                    }
                    try {
                        return method.invoke(glibc, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aProcessThatDiesSaysWhereAndBackStillWorks() throws IOException {
        Path tiny = Files.writeString(
                dir.resolve("tiny.mrec"),
                "# mrec 1 glibc 2.36 nprocs 2\n"
                        + "1 m 24 = 0x1000 0x21 0x0\n"
                        + "1 m 24 = 0x2000 0x21 0x0\n"
                        + "1 f 0x1000 = 0x0 0x0 0x0\n"
                        + "1 f 0x2000 = 0x0 0x0 0x0\n");
        TraceSession session = TraceSession.open(tiny, ReplayOptions.of("doomed", ShellTraceTest::doomed), 0);
        Typist t = new Typist(session);
        Shell shell = t.shell;
        assertThat(t.type("step 9"))
                .endsWith(
                        "free(0x5555555592a0) = <void>   # call 3/4, line 4\n"
                                + "free(0x2000) (recorded pointer)   # call 4/4, line 5\n"
                                + "free(): double free detected in tcache 2\n"
                                + "+++ killed by SIGABRT +++\n"
                                + "# the process died at call 4 of 4 (SIGABRT); back or goto re-run the trace to an earlier call\n");
        assertThat(shell.prompt()).isEqualTo("mallocsim 4/4 (dead)> ");
        assertThat(shell.finished()).isFalse();
        assertThat(t.type("heap\nstep"))
                .isEqualTo(
                        "# the process is dead: step, goto or back re-run the trace to a call where it lives\n"
                                + "# the process died at call 4 of 4 (SIGABRT); back or goto re-run the trace to an earlier call\n");
        assertThat(t.type("back 1\nwhere 0x2000\nheap"))
                .isEqualTo("# at call 3 of 4 (line 4)\n"
                        + "# 0x2000: returned by call 2 (line 3): malloc of 24 bytes = 0x5555555592c0 (recorded 0x2000)\n"
                        + "#   live at call 3\n"
                        + "# heap: the heap views read glibc's malloc; this process runs the doomed allocator"
                        + " (vis still shows its words)\n");
        assertThat(shell.prompt()).isEqualTo("mallocsim 3/4> ");
    }

    @Test
    void theHelpNamesTheMoves() {
        assertThat(Cli.shell("help\n", "--trace", GREP.toString()).out())
                .contains("step [K]  goto N  back [K]  where PTR  at");
        assertThat(List.copyOf(TraceSession.COMMANDS)).containsExactlyInAnyOrder("step", "goto", "back", "where", "at");
    }
}
