package org.mallocsim.replay;

/**
 * RSS over a replay in a bounded number of buckets, for charts: each bucket holds the highest RSS
 * sampled over {@code step} consecutive calls. When the buckets run out, neighbours merge pairwise
 * and the step doubles, so a trace of any length ends with between {@code CAPACITY / 2} and
 * {@code CAPACITY} buckets, and the same trace always gives the same series. Allocation-free.
 */
final class RssSeries {
    static final int CAPACITY = 256;
    private final long[] peaks = new long[CAPACITY];
    private int used;
    private long step = 1;
    private long inBucket;

    /** One call's RSS, in pages. */
    void add(long rssPages) {
        if (inBucket == step) {
            if (used == CAPACITY - 1) {
                halve();
            }
            used++;
            inBucket = 0;
        }
        if (inBucket == 0 || rssPages > peaks[used]) {
            peaks[used] = rssPages;
        }
        inBucket++;
    }

    /** Called when every bucket is full: pairs merge into buckets of twice the step, all full. */
    private void halve() {
        for (int i = 0; i < CAPACITY / 2; i++) {
            peaks[i] = Math.max(peaks[2 * i], peaks[2 * i + 1]);
        }
        used = CAPACITY / 2 - 1;
        step *= 2;
        inBucket = step;
    }

    /** The series so far. */
    RssTimeline result() {
        int n = inBucket == 0 ? 0 : used + 1;
        long[] copy = new long[n];
        System.arraycopy(peaks, 0, copy, 0, n);
        return new RssTimeline(step, copy);
    }
}
