package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RssSeriesTest {
    @ParameterizedTest(name = "{0} calls")
    @ValueSource(ints = {0, 1, 255, 256, 257, 1000, 65_537})
    void eachBucketHoldsTheHighestRssOfItsCallsAndTheSeriesStaysBounded(int calls) {
        RssSeries s = new RssSeries();
        long[] rss = new long[calls];
        for (int i = 0; i < calls; i++) {
            rss[i] = (i * 7919L) % 1000; // a scrambled but reproducible series
            s.add(rss[i]);
        }
        RssTimeline t = s.result();
        assertThat(t.rssPages().length).isLessThanOrEqualTo(RssSeries.CAPACITY);
        if (calls > RssSeries.CAPACITY) {
            assertThat(t.rssPages().length).isGreaterThanOrEqualTo(RssSeries.CAPACITY / 2);
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
