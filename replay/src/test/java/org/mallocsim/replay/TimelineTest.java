package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

/** The bounded timeline: every bucket holds exactly the minimum and maximum of the calls it covers. */
class TimelineTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void bucketsHoldTheExtremesOfTheirCallsWhateverTheLength(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int calls = 1 + rnd.nextInt(5000);
        int capacity = 2 * (1 + rnd.nextInt(16));
        long[][] values = new long[Timeline.METRICS][calls];
        Timeline t = new Timeline(new AddressSpace(KernelConfig.defaults()), capacity);
        for (int i = 0; i < calls; i++) {
            for (int m = 0; m < Timeline.METRICS; m++) {
                values[m][i] = rnd.nextLong(1_000_000);
            }
            t.add(values[Timeline.RSS][i], values[Timeline.VM][i], values[Timeline.HEAP][i], values[Timeline.LIVE][i]);
        }
        t.finish();

        assertThat(t.buckets()).isLessThanOrEqualTo(capacity).isEqualTo((int) ((calls + t.width() - 1) / t.width()));
        assertThat(Long.bitCount(t.width())).isEqualTo(1);
        assertThat(calls).isGreaterThan((int) (t.width() / 2 * capacity / 2) - 1);
        for (int b = 0; b < t.buckets(); b++) {
            for (int m = 0; m < Timeline.METRICS; m++) {
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                for (long i = b * t.width(); i < Math.min(calls, (b + 1) * t.width()); i++) {
                    min = Math.min(min, values[m][(int) i]);
                    max = Math.max(max, values[m][(int) i]);
                }
                assertThat(t.min(m, b)).as("bucket %d metric %d min", b, m).isEqualTo(min);
                assertThat(t.max(m, b)).as("bucket %d metric %d max", b, m).isEqualTo(max);
            }
        }
    }

    @Test
    void aShortReplayKeepsEveryCall() {
        Timeline t = new Timeline(new AddressSpace(KernelConfig.defaults()), 8);
        for (int i = 0; i < 5; i++) {
            t.add(i, 10 + i, 20 + i, 30 + i);
        }
        t.finish();
        assertThat(t.width()).isEqualTo(1);
        assertThat(t.buckets()).isEqualTo(5);
        assertThat(t.max(Timeline.LIVE, 4)).isEqualTo(34);
    }

    @Test
    void anOddCapacityIsRefused() {
        assertThatThrownBy(() -> new Timeline(new AddressSpace(KernelConfig.defaults()), 7))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
