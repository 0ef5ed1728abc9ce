package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

/** A sweep row's RSS series: the replay's timeline merged into a bounded number of buckets. */
class RssTimelineTest {
    @ParameterizedTest(name = "{0} calls")
    @ValueSource(ints = {0, 1, 255, 256, 257, 1000, 65_537})
    void eachBucketHoldsTheHighestRssOfItsCallsAndTheSeriesStaysBounded(int calls) {
        Timeline timeline = new Timeline(new AddressSpace(KernelConfig.defaults()), 1024);
        long[] rss = new long[calls];
        for (int i = 0; i < calls; i++) {
            rss[i] = (i * 7919L) % 1000; // a scrambled but reproducible series
            timeline.add(rss[i], 0, 0, 0);
        }
        timeline.finish();
        RssTimeline t = RssTimeline.of(timeline, 256);
        assertThat(t.rssPages().length).isLessThanOrEqualTo(256);
        if (calls > 256) {
            assertThat(t.rssPages().length).isGreaterThan(128);
        }
        assertThat((long) t.rssPages().length).isEqualTo((calls + t.stepCalls() - 1) / t.stepCalls());
        for (int b = 0; b < t.rssPages().length; b++) {
            long max = -1;
            for (long i = b * t.stepCalls(); i < Math.min(calls, (b + 1) * t.stepCalls()); i++) {
                max = Math.max(max, rss[(int) i]);
            }
            assertThat(t.rssPages()[b]).as("bucket %d", b).isEqualTo(max);
        }
    }
}
