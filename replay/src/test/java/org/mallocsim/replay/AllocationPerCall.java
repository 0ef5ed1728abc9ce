package org.mallocsim.replay;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.mallocsim.traces.gen.WorkloadGenerator;

/**
 * Java heap allocated per call of a replay path, as the difference between a short and a ten
 * times longer trace of the same shape, so the setup's allocation cancels out. Measured with
 * HotSpot's per-thread allocation counter (what JMH's {@code -prof gc} reads), after a warm-up
 * that lets the loop be compiled.
 */
final class AllocationPerCall {
    /** A way through a whole trace; returns the calls it ran. */
    interface Run {
        long calls(Path trace) throws IOException;
    }

    /** Both traces' calls and bytes. */
    record Measured(long smallCalls, long smallBytes, long largeCalls, long largeBytes) {
        double perExtraCall() {
            return (double) (largeBytes - smallBytes) / (largeCalls - smallCalls);
        }
    }

    private AllocationPerCall() {}

    /** A LARSON trace of about {@code calls} calls in two threads of at most 64 live blocks, as mrecb. */
    static Path larson(Path dir, String name, int calls) throws IOException {
        Path gen = dir.resolve(name + "-gen.mrecb");
        ReplayEngineTest.generate(gen, WorkloadGenerator.Shape.LARSON, 3, calls, 2, 64);
        return gen;
    }

    static Measured measure(Path small, Path large, Run run) throws IOException {
        for (int i = 0; i < 3; i++) { // warm up: compile the loop before measuring
            run.calls(small);
            run.calls(large);
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        long smallCalls = run.calls(small);
        long smallBytes = mx.getThreadAllocatedBytes(id) - before;
        before = mx.getThreadAllocatedBytes(id);
        long largeCalls = run.calls(large);
        long largeBytes = mx.getThreadAllocatedBytes(id) - before;
        return new Measured(smallCalls, smallBytes, largeCalls, largeBytes);
    }
}
