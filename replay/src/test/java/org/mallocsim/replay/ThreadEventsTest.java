package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.MallInfo2;
import org.mallocsim.allocator.ThreadEvents;
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
    private static final class Listening implements Allocator, ThreadEvents {
        private final BumpAllocator bump;
        private final List<String> heard;

        Listening(AddressSpace space, List<String> heard) {
            this.bump = new BumpAllocator(space, Map.of());
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

        @Override
        public AddressSpace addressSpace() {
            return bump.addressSpace();
        }

        @Override
        public long malloc(long size) {
            return bump.malloc(size);
        }

        @Override
        public void free(long ptr) {
            bump.free(ptr);
        }

        @Override
        public long calloc(long nmemb, long size) {
            return bump.calloc(nmemb, size);
        }

        @Override
        public long realloc(long ptr, long size) {
            return bump.realloc(ptr, size);
        }

        @Override
        public long reallocarray(long ptr, long nmemb, long size) {
            return bump.reallocarray(ptr, nmemb, size);
        }

        @Override
        public long memalign(long alignment, long size) {
            return bump.memalign(alignment, size);
        }

        @Override
        public long alignedAlloc(long alignment, long size) {
            return bump.alignedAlloc(alignment, size);
        }

        @Override
        public long posixMemalign(long alignment, long size) {
            return bump.posixMemalign(alignment, size);
        }

        @Override
        public long valloc(long size) {
            return bump.valloc(size);
        }

        @Override
        public long pvalloc(long size) {
            return bump.pvalloc(size);
        }

        @Override
        public long mallocUsableSize(long ptr) {
            return bump.mallocUsableSize(ptr);
        }

        @Override
        public int mallocTrim(long pad) {
            return bump.mallocTrim(pad);
        }

        @Override
        public int mallopt(int param, int value) {
            return bump.mallopt(param, value);
        }

        @Override
        public MallInfo2 mallinfo2() {
            return bump.mallinfo2();
        }

        @Override
        public String mallocStats() {
            return bump.mallocStats();
        }

        @Override
        public String mallocInfo(int options) {
            return bump.mallocInfo(options);
        }

        @Override
        public int errno() {
            return bump.errno();
        }
    }
}
