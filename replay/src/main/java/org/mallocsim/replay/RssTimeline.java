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
