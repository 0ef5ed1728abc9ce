package org.mallocsim.traces.gen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceFormat;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.TraceWriter;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.gen.WorkloadGenerator.Params;
import org.mallocsim.traces.gen.WorkloadGenerator.Shape;

class WorkloadGeneratorTest {

    /** One recorded call. */
    record Call(int tid, char op, long a0, long a1, long result) {}

    static List<Call> generate(Params p) {
        List<Call> calls = new ArrayList<>();
        WorkloadGenerator.generate(p, (tid, op, a0, a1, r) -> calls.add(new Call(tid, op, a0, a1, r)));
        return calls;
    }

    static Stream<Arguments> shapesAndSeeds() {
        List<Arguments> out = new ArrayList<>();
        for (Shape s : Shape.values()) {
            for (long seed = 1; seed <= 5; seed++) {
                out.add(Arguments.of(s, seed));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("shapesAndSeeds")
    void everyFreeAndReallocNamesALiveBlockAndEverythingIsFreedAtTheEnd(Shape shape, long seed) {
        List<Call> calls = generate(new Params(shape, seed, 5000, 4, 200));
        Set<Long> liveTokens = new HashSet<>();
        Set<Integer> started = new HashSet<>(Set.of(WorkloadGenerator.MAIN_TID));
        Set<Integer> exited = new HashSet<>();
        for (Call c : calls) {
            if (c.op() == 't') {
                assertThat(started.add(c.tid()))
                        .as("thread %d starts once", c.tid())
                        .isTrue();
                continue;
            }
            assertThat(started).as("a call of an announced thread").contains(c.tid());
            assertThat(exited).as("no call after the thread's exit").doesNotContain(c.tid());
            switch (c.op()) {
                case 'x' -> exited.add(c.tid());
                case 'f' ->
                    assertThat(liveTokens.remove(c.a0()))
                            .as("free of a live block")
                            .isTrue();
                case 'r' -> {
                    assertThat(liveTokens.remove(c.a0()))
                            .as("realloc of a live block")
                            .isTrue();
                    assertThat(liveTokens.add(c.result())).isTrue();
                }
                default -> {
                    assertThat(liveTokens.add(c.result())).as("a fresh token").isTrue();
                    assertThat(c.result() & 15).isZero();
                }
            }
        }
        assertThat(liveTokens).isEmpty();
        assertThat(exited).hasSize(started.size() - 1);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Shape.class)
    void theSameSeedGivesTheSameTraceAndAnotherSeedAnother(Shape shape) {
        assertThat(text(new Params(shape, 42, 3000, 3, 100))).isEqualTo(text(new Params(shape, 42, 3000, 3, 100)));
        if (shape != Shape.SIMPLE) {
            assertThat(text(new Params(shape, 42, 3000, 3, 100)))
                    .isNotEqualTo(text(new Params(shape, 43, 3000, 3, 100)));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void mixedWorkloadHasEveryKindOfCallAndMmapSizedRequests(long seed) {
        List<Call> calls = generate(new Params(Shape.MIXED, seed, 50_000, 2, 2000));
        Map<Character, Integer> byOp = new HashMap<>();
        long largest = 0;
        for (Call c : calls) {
            byOp.merge(c.op(), 1, Integer::sum);
            if (c.op() == 'm') {
                largest = Math.max(largest, c.a0());
            }
        }
        assertThat(byOp.keySet()).contains('m', 'c', 'r', 'f', 'a', 'v', 'p', 't', 'x');
        assertThat(largest)
                .as("a request above the default 128 KiB mmap threshold")
                .isGreaterThan(128 * 1024);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Shape.class)
    void onlyLarsonFreesBlocksAcrossThreads(Shape shape) {
        List<Call> calls = generate(new Params(shape, 7, 20_000, 4, 300));
        Map<Long, Integer> owner = new HashMap<>();
        int crossFrees = 0;
        for (Call c : calls) {
            if (c.op() == 'f') {
                crossFrees += owner.remove(c.a0()) != c.tid() ? 1 : 0;
            } else if (c.op() == 'r') {
                owner.remove(c.a0());
                owner.put(c.result(), c.tid());
            } else if (c.result() != 0) {
                owner.put(c.result(), c.tid());
            }
        }
        if (shape == Shape.LARSON) {
            assertThat(crossFrees).isPositive();
        } else {
            assertThat(crossFrees).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Shape.class)
    void aGeneratedTraceReadsBackCallForCallInEveryWritableFormat(Shape shape) throws Exception {
        Params p = new Params(shape, 5, 4000, 3, 150);
        List<Call> calls = generate(p);
        for (TraceFormat format : new TraceFormat[] {TraceFormat.TEXT, TraceFormat.BINARY}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (TraceWriter w = Traces.create(bytes, format)) {
                WorkloadGenerator.generate(p, new TraceWriterSink(w, p));
            }
            List<Call> back = new ArrayList<>();
            try (TraceReader r = Traces.open(new ByteArrayInputStream(bytes.toByteArray()), "generated", false)) {
                TraceEvent e = new TraceEvent();
                while (r.next(e)) {
                    back.add(new Call(e.tid, (char) e.op, e.arg0, e.arg1, e.result));
                }
            }
            assertThat(back).as(format.name()).isEqualTo(calls);
        }
    }

    static Stream<Long> seeds() {
        return Stream.of(1L, 2L, 3L);
    }

    static String text(Params p) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TraceWriter w = Traces.create(bytes, TraceFormat.TEXT)) {
            WorkloadGenerator.generate(p, new TraceWriterSink(w, p));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
