package org.mallocsim.cli.shell;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;
import org.mallocsim.replay.ReplayOptions;

/**
 * Times {@code goto} to the end of a trace and {@code back 1} from there in one warmed JVM, as
 * README's "A trace's process, at any call" reports them: wall time and the shell thread's CPU
 * time (the machine's other load shows in the first, not the second). Not a test; run it after
 * {@code ./mvnw -pl cli -am test-compile} and {@code package} with
 * {@code java -XX:MaxDirectMemorySize=64g -cp cli/target/test-classes:cli/target/mallocsim.jar
 * org.mallocsim.cli.shell.TraceSessionTiming traces/bash.mrec.zst 6}.
 */
final class TraceSessionTiming {
    private TraceSessionTiming() {}

    /** {@code TRACE ROUNDS}: opens TRACE, then ROUNDS times goes to its end, back 1, and to call 0. */
    public static void main(String[] a) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime(), c0 = mx.getCurrentThreadCpuTime();
        TraceSession s = TraceSession.open(Path.of(a[0]), ReplayOptions.of("glibc"), 0);
        System.out.printf(
                "open (read and parse once): %.2f s wall, %.2f s cpu, %d calls%n",
                (System.nanoTime() - t0) / 1e9, (mx.getCurrentThreadCpuTime() - c0) / 1e9, s.total());
        for (int i = 0; i < Integer.parseInt(a[1]); i++) {
            long t = System.nanoTime(), c = mx.getCurrentThreadCpuTime();
            s.run("goto", List.of(s.total()));
            long t2 = System.nanoTime(), c2 = mx.getCurrentThreadCpuTime();
            s.run("back", List.of(1L));
            long t3 = System.nanoTime(), c3 = mx.getCurrentThreadCpuTime();
            s.run("goto", List.of(0L));
            System.out.printf(
                    "goto end: %.2f s wall %.2f s cpu; back 1: %.2f s wall %.2f s cpu%n",
                    (t2 - t) / 1e9, (c2 - c) / 1e9, (t3 - t2) / 1e9, (c3 - c2) / 1e9);
        }
    }
}
