package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mallocsim.allocator.bump.BumpAllocator;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.gen.WorkloadGenerator;

/** An allocator with per-thread state hears every thread start, exit and switch, in trace order. */
class ThreadEventsTest {
    @TempDir
    Path tmp;

    @Test
    void threadStartsExitsAndSwitchesReachTheAllocatorInTraceOrder() throws IOException {
        Path trace = tmp.resolve("larson.mrec");
        ReplayEngineTest.generate(trace, WorkloadGenerator.Shape.LARSON, 2, 3_000, 3);
        List<String> heard = new ArrayList<>();
        ReplayEngine.replay(trace, ReplayOptions.of("listening", (space, o) -> new Listening(space, heard)));

        List<String> expected = new ArrayList<>();
        int current = Integer.MIN_VALUE;
        try (TraceReader in = Traces.open(trace)) {
            TraceEvent e = new TraceEvent();
            while (in.next(e)) {
                if (e.op == TraceEvent.THREAD_START) {
                    expected.add("start " + e.tid + " from " + e.arg0);
                } else if (e.op == TraceEvent.THREAD_EXIT) {
                    expected.add("exit " + e.tid);
                } else if (e.tid != current) {
                    expected.add("switch " + e.tid);
                    current = e.tid;
                }
            }
        }
        assertThat(heard).isEqualTo(expected);
        assertThat(heard).anyMatch(s -> s.startsWith("start")).anyMatch(s -> s.startsWith("exit"));
    }

    /** The bump policy, recording what it hears about threads. */
    private static final class Listening extends ForwardingAllocator {
        private final List<String> heard;

        Listening(AddressSpace space, List<String> heard) {
            super(new BumpAllocator(space, Map.of()));
            this.heard = heard;
        }

        @Override
        public void threadStarted(int tid, int parentTid) {
            heard.add("start " + tid + " from " + parentTid);
        }

        @Override
        public void threadExited(int tid) {
            heard.add("exit " + tid);
        }

        @Override
        public void switchThread(int tid) {
            heard.add("switch " + tid);
        }

        @Override
        public void forked(int parentTid, int childTid) {
            heard.add("fork " + parentTid + " to " + childTid);
        }
    }
}
