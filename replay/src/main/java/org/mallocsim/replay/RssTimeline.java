package org.mallocsim.replay;

import java.util.Arrays;

/**
 * RSS over one replay: bucket {@code i} is the highest RSS, in pages, sampled after calls
 * {@code i * stepCalls + 1} to {@code (i + 1) * stepCalls} (the last bucket may be partial).
 *
 * @param stepCalls calls per bucket
 * @param rssPages  the highest RSS per bucket, in pages
 */
public record RssTimeline(long stepCalls, long[] rssPages) {
    /** Buckets a sweep row keeps: enough for a chart, small enough to carry in every row. */
    public static final int MAX_BUCKETS = 256;

    /**
     * The RSS of {@code t} in at most {@code maxBuckets} buckets: neighbouring buckets merge in
     * groups of a power of two, keeping the highest RSS, as {@link Timeline} merges its own, so the
     * same trace always gives the same series.
     */
    static RssTimeline of(Timeline t, int maxBuckets) {
        int n = t.buckets();
        int group = 1;
        while ((n + group - 1) / group > maxBuckets) {
            group *= 2;
        }
        long[] pages = new long[(n + group - 1) / group];
        for (int b = 0; b < n; b++) {
            long v = t.max(Timeline.RSS, b);
            if (b % group == 0 || v > pages[b / group]) {
                pages[b / group] = v;
            }
        }
        return new RssTimeline(t.width() * group, pages);
    }

    /** Value equality on the series, so two replays of one trace compare equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RssTimeline t && t.stepCalls == stepCalls && Arrays.equals(t.rssPages, rssPages);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(stepCalls) * 31 + Arrays.hashCode(rssPages);
    }

    @Override
    public String toString() {
        return "RssTimeline[step=" + stepCalls + ", " + rssPages.length + " buckets]";
    }
}
