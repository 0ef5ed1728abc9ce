package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.AllocatorFactory;
import org.mallocsim.allocator.Allocators;
import org.mallocsim.allocator.HeapCheck;

/**
 * Every policy replays each bundled single-threaded trace to its end (bash, the largest, only in
 * {@code benchmarks/policies.sh}): no call fails, the heap checks out afterwards, and the measures
 * are consistent; the policies fast enough for it also replay the threaded pythr.
 */
class PolicyReplayTest {
    static Stream<Arguments> policiesAndTraces() {
        List<Arguments> a = new ArrayList<>();
        for (String policy : Allocators.names()) {
            if (!policy.equals("glibc") && !policy.equals("bump")) { // both have replay tests of their own
                for (String trace : new String[] {"grep", "diff", "git", "pyxml", "tar"}) {
                    a.add(Arguments.of(policy, trace));
                }
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0} replays pythr")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"segfit", "tlsf", "buddy", "pages"})
    void theThreadedTraceRunsToItsEndWithThreadEventsReachingThePolicy(String policy) throws IOException {
        Allocator[] made = new Allocator[1];
        AllocatorFactory registered = Allocators.factory(policy);
        ReplayResult r =
                ReplayEngine.replay(TraceFidelity.trace("pythr"), ReplayOptions.of(policy, (space, options) -> {
                    made[0] = registered.create(space, options);
                    return made[0];
                }));

        assertThat(r.completed()).as("%s", r.death()).isTrue();
        assertThat(r.failedAllocations()).isZero();
        ((HeapCheck) made[0]).checkHeap();
    }

    @ParameterizedTest(name = "{0} replays {1}")
    @MethodSource("policiesAndTraces")
    void everyPolicyReplaysTheTraceToItsEndAndItsHeapChecksOut(String policy, String trace) throws IOException {
        Allocator[] made = new Allocator[1];
        AllocatorFactory registered = Allocators.factory(policy);
        ReplayResult r = ReplayEngine.replay(TraceFidelity.trace(trace), ReplayOptions.of(policy, (space, options) -> {
            made[0] = registered.create(space, options);
            return made[0];
        }));

        assertThat(r.completed()).as("%s", r.death()).isTrue();
        assertThat(r.failedAllocations()).isZero();
        assertThat(r.unknownPointers()).isZero();
        assertThat(made[0]).isInstanceOf(HeapCheck.class);
        ((HeapCheck) made[0]).checkHeap();
        made[0].addressSpace().checkConsistency();
        HeapMetrics h = r.heap();
        assertThat(h.peakHeapBytes()).isGreaterThanOrEqualTo(h.peakLiveBytes());
        assertThat(h.finalMetadataBytes()).isNotNegative();
        assertThat(h.accessesPerCall()).isPositive();
    }
}
