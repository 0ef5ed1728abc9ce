package org.mallocsim.traces.natives;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LD_PRELOAD recorder on small C programs whose calls are known. */
class RecorderTest {
    @TempDir
    Path tmp;

    private Recorder.Recording record(String program, Path stdout, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(TestPrograms.compile(program).toString()));
        cmd.addAll(List.of(args));
        return Recorder.record(
                cmd,
                tmp.resolve(program + ".mrec"),
                Recorder.Format.TEXT,
                false,
                ProcessBuilder.Redirect.to(stdout.toFile()));
    }

    /** A recording of a program that exited 0, and what it printed, each line split at spaces. */
    private record Run(Recorder.Recording recording, List<String[]> printed) {}

    private Run recordSuccessfully(String program) throws Exception {
        Path stdout = tmp.resolve("out.txt");
        Recorder.Recording r = record(program, stdout);
        assertThat(r.exitCode()).isZero();
        return new Run(
                r, Files.readAllLines(stdout).stream().map(l -> l.split(" ")).toList());
    }

    private static int indexOfPrefix(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    /** The call lines of a text trace without their thread id (thread lines left out). */
    private static List<String> callsWithoutTid(Path trace) throws Exception {
        return Files.readAllLines(trace).stream()
                .filter(l -> !l.startsWith("#"))
                .filter(l -> !l.matches("\\d+ [txk]( .*)?"))
                .map(l -> l.substring(l.indexOf(' ') + 1))
                .toList();
    }

    @Test
    void aSingleThreadedProgramsTraceHoldsExactlyItsCallsWithTheAnswersItSaw() throws Exception {
        Path stdout = tmp.resolve("out.txt");
        Recorder.Recording r = record("single_calls", stdout);

        assertThat(r.exitCode()).isZero();
        List<String> printed = Files.readAllLines(stdout);
        assertThat(printed).hasSize(18);
        assertThat(callsWithoutTid(r.trace())).containsExactlyElementsOf(printed);
        assertThat(r.otherTraces()).isEmpty();
    }

    @Test
    void theHeaderCarriesVersionCpusStartBrkAndTheMaps() throws Exception {
        Recorder.Recording r = record("single_calls", tmp.resolve("out.txt"));
        List<String> lines = Files.readAllLines(r.trace());
        ReferenceTrace t = ReferenceTrace.read(r.trace());

        assertThat(lines.get(0)).matches("# mrec 1 glibc 2\\.\\d+ nprocs \\d+ start-brk 0x[0-9a-f]+ end line");
        assertThat(lines)
                .anyMatch(l -> l.startsWith("# map ") && l.contains("[heap]") == false && l.contains("single_calls"));
        // The first malloc of a fresh process lands right after the tcache: start-brk + 0x2a0.
        assertThat(t.result(0) - t.startBrk()).isEqualTo(0x2a0);
    }

    @Test
    void threadsGetStartAndExitEventsAndKeepTheirOwnOrder() throws Exception {
        Run run = recordSuccessfully("threads");
        Map<Long, Integer> workerOf = new HashMap<>();
        for (String[] f : run.printed()) {
            workerOf.put(Long.parseLong(f[2]), Integer.parseInt(f[1]));
        }
        Recorder.Recording r = run.recording();
        List<String> lines = Files.readAllLines(r.trace());
        for (long tid : workerOf.keySet()) {
            int start = indexOfPrefix(lines, tid + " t ");
            int exit = indexOfPrefix(lines, tid + " x = ");
            int firstCall = indexOfPrefix(lines, tid + " m ");
            assertThat(start).as("start of %d", tid).isNotNegative().isLessThan(firstCall);
            assertThat(exit).as("exit of %d", tid).isGreaterThan(firstCall);
        }
        ReferenceTrace t = ReferenceTrace.read(r.trace());
        Map<Long, Integer> next = new HashMap<>();
        int workerMallocs = 0;
        for (int i = 0; i < t.size(); i++) {
            Integer k = workerOf.get(t.tid(i));
            if (k == null || t.op(i) != 'm') {
                continue;
            }
            int step = next.merge(t.tid(i), 1, Integer::sum) - 1;
            assertThat(t.arg1(i)).as("call %d of worker %d", step, k).isEqualTo(1000L * (k + 1) + step);
            workerMallocs++;
        }
        assertThat(workerOf).hasSize(3);
        assertThat(workerMallocs).isEqualTo(3 * 200);
    }

    /** The event lines of a text trace (header and end line left out), each as "TID OP ARGS". */
    private static List<String> eventsBeforeEquals(Path trace) throws Exception {
        return Files.readAllLines(trace).stream()
                .filter(l -> !l.startsWith("#"))
                .map(l -> l.substring(0, l.indexOf(" = ")))
                .toList();
    }

    @Test
    void aCompleteTextTraceClosesWithTheEndLineCountingItsEvents() throws Exception {
        Recorder.Recording r = record("single_calls", tmp.resolve("out.txt"));
        List<String> lines = Files.readAllLines(r.trace());

        assertThat(lines.get(lines.size() - 1))
                .isEqualTo("# end " + eventsBeforeEquals(r.trace()).size());
        assertThat(eventsBeforeEquals(r.trace())).hasSize(18);
    }

    @Test
    void theParentsTraceHasAForkEventWithTheChildsPidBetweenItsCalls() throws Exception {
        Run run = recordSuccessfully("forks");
        String childPid = run.printed().get(0)[1];
        Recorder.Recording r = run.recording();
        Path child = r.otherTraces().get(0);
        String parentPid = Files.readAllLines(child).stream()
                .filter(l -> l.startsWith("# forked-from "))
                .findFirst()
                .orElseThrow()
                .substring("# forked-from ".length());
        List<String> parent = eventsBeforeEquals(r.trace());
        String a = "0x" + Long.toHexString(ReferenceTrace.read(r.trace()).result(0));
        assertThat(parent.get(0)).isEqualTo(parentPid + " m 111");
        assertThat(parent.get(1)).isEqualTo(parentPid + " k " + childPid);
        assertThat(parent.get(2)).isEqualTo(parentPid + " m 333");
        assertThat(parent.get(3)).startsWith(parentPid + " f 0x");
        assertThat(parent.get(4)).isEqualTo(parentPid + " f " + a);
        assertThat(parent).hasSize(5);
        assertThat(Files.readAllLines(r.trace()))
                .filteredOn(l -> l.contains(" k "))
                .singleElement()
                .asString()
                .matches("\\d+ k \\d+ = 0x0 0x0 0x[0-9a-f]+");
        assertThat(eventsBeforeEquals(child))
                .extracting(l -> l.substring(l.indexOf(' ') + 1))
                .containsExactly(
                        "m 222", "f " + eventsBeforeEquals(child).get(1).split(" ")[2]);
    }

    @Test
    void aThreadsStartEventNamesTheKernelTidOfTheThreadThatCreatedIt() throws Exception {
        Run run = recordSuccessfully("thread_parents");
        Map<String, String> tid = new HashMap<>();
        for (String[] f : run.printed()) {
            tid.put(f[0], f[1]);
        }
        List<String> events = eventsBeforeEquals(run.recording().trace());
        String main = tid.get("main");
        String outer = tid.get("outer");
        String inner = tid.get("inner");
        assertThat(events)
                .filteredOn(l -> l.split(" ")[1].equals("t"))
                .containsExactly(outer + " t " + main, inner + " t " + outer);
        assertThat(events).filteredOn(l -> l.split(" ")[1].equals("x")).containsExactly(inner + " x", outer + " x");
        // Each thread's start comes before its calls and its exit after them.
        for (String[] t : new String[][] {{outer, "700"}, {inner, "800"}}) {
            int start = events.indexOf(t[0] + " t " + (t[0].equals(outer) ? main : outer));
            int call = events.indexOf(t[0] + " m " + t[1]);
            int exit = events.indexOf(t[0] + " x");
            assertThat(start).isNotNegative().isLessThan(call);
            assertThat(exit).isGreaterThan(call);
        }
    }

    @Test
    void aForkedChildWritesItsOwnTraceAndTheParentKeepsItsCalls() throws Exception {
        Path stdout = tmp.resolve("out.txt");
        Recorder.Recording r = record("forks", stdout);
        assertThat(r.exitCode()).isZero();

        String childPid = Files.readAllLines(stdout).get(0).split(" ")[1];
        assertThat(r.otherTraces())
                .extracting(p -> p.getFileName().toString())
                .containsExactly("forks.mrec." + childPid);
        Path child = r.otherTraces().get(0);

        assertThat(callsWithoutTid(r.trace()))
                .anyMatch(l -> l.startsWith("m 111 "))
                .anyMatch(l -> l.startsWith("m 333 "))
                .noneMatch(l -> l.startsWith("m 222 "));
        assertThat(callsWithoutTid(child))
                .anyMatch(l -> l.startsWith("m 222 "))
                .noneMatch(l -> l.startsWith("m 111 ") || l.startsWith("m 333 "));
        assertThat(Files.readAllLines(child)).anyMatch(l -> l.startsWith("# forked-from "));
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void forkHandlersThatAllocateInAMultiThreadedProgramAreRecordedWithoutDeadlock() throws Exception {
        Recorder.Recording r = record("fork_handlers", tmp.resolve("out.txt"));
        assertThat(r.exitCode()).isZero();

        assertThat(callsWithoutTid(r.trace()))
                .anyMatch(l -> l.startsWith("m 701 "))
                .anyMatch(l -> l.startsWith("m 702 "))
                .noneMatch(l -> l.startsWith("m 703 "));
        assertThat(r.otherTraces()).hasSize(1);
        assertThat(callsWithoutTid(r.otherTraces().get(0))).anyMatch(l -> l.startsWith("m 703 "));
    }

    @Test
    void anExecdProgramIsRecordedIntoAFileOfItsOwn() throws Exception {
        Recorder.Recording r = record("execs", tmp.resolve("out.txt"));
        assertThat(r.exitCode()).isZero();

        assertThat(callsWithoutTid(r.trace()))
                .anyMatch(l -> l.startsWith("m 444 "))
                .noneMatch(l -> l.startsWith("m 555 "));
        assertThat(r.otherTraces()).hasSize(1);
        assertThat(callsWithoutTid(r.otherTraces().get(0))).anyMatch(l -> l.startsWith("m 555 "));
    }

    @Test
    void aProgramKilledBySigsegvStillLeavesACompleteTrace() throws Exception {
        Recorder.Recording r = record("crash", tmp.resolve("out.txt"));

        assertThat(r.exitCode()).isEqualTo(128 + 11);
        List<String> calls = callsWithoutTid(r.trace());
        assertThat(calls).hasSize(1000);
        assertThat(calls.get(999)).startsWith("m 1015 = 0x");
    }
}
