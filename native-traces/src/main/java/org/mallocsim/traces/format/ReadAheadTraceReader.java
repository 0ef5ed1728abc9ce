package org.mallocsim.traces.format;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads another {@link TraceReader} on a thread of its own, so decompression and parsing run
 * beside the caller's work on the events instead of before it: the decoded events travel in a
 * fixed ring of {@value #BATCHES} batches of {@value #BATCH} events in primitive arrays, handed
 * over whole, so the two threads meet once per batch and nothing is allocated per event.
 *
 * <pre>
 *  reader thread:  empty.take() -> fill up to BATCH events -> filled.put()
 *  caller:         filled.take() -> next() x count -> empty.put()
 *
 *  batch row i:    rows[8i .. 8i + 7], every field of event i side by side (64 bytes):
 *    +0  tid &lt;&lt; 16 | op &lt;&lt; 8 | alignKind     +1 arg0   +2 arg1   +3 result   +4 position
 *    +5  chunkWord   +6 brk   +7 the source's warning count once event i was read
 *  batch end:      end (the source is exhausted or failed), failure (what it threw), endWarnings
 * </pre>
 *
 * <p>A batch is written on one core and read on another, so every line of it crosses between
 * the cores' caches once. Rows keep an event's fields in adjacent lines and make the batch one
 * sequential stream, which the hardware prefetcher follows; a column per field made ten
 * streams, and reading an event cost as much as a tenth of a replayed call.
 *
 * What the caller sees is what the source gives, in the same order: the same events, the same
 * {@link #warnings()} after each of them, the end at the same place, and the source's own
 * exception (a {@link TraceFormatException} naming the file and line) after the events read before
 * it. {@link #close()} stops the thread and closes the source.
 */
public final class ReadAheadTraceReader implements TraceReader {
    /** Events per batch: one hand-over per this many events keeps the threads' meetings rare. */
    static final int BATCH = 8192;
    /** Batches in the ring: one being filled, one being read, one waiting. */
    static final int BATCHES = 3;
    /** Longs per event in a batch (the class comment draws them). */
    private static final int ROW = 8;

    private final TraceReader source;
    private final BlockingQueue<Batch> filled = new ArrayBlockingQueue<>(BATCHES);
    private final BlockingQueue<Batch> empty = new ArrayBlockingQueue<>(BATCHES);
    private final Thread thread;
    private volatile boolean closing;
    private Batch current;
    private int index;
    private long warnings;

    /** Starts reading {@code source} ahead; its header has been read when it was opened. */
    public ReadAheadTraceReader(TraceReader source) {
        this.source = source;
        for (int i = 0; i < BATCHES; i++) {
            empty.add(new Batch());
        }
        thread = new Thread(this::fill, "trace-read-ahead");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public TraceHeader header() {
        return source.header();
    }

    @Override
    public boolean next(TraceEvent into) throws IOException {
        while (true) {
            Batch b = current;
            if (b != null) {
                if (index < b.size) {
                    long[] rows = b.rows;
                    int r = index * ROW;
                    long first = rows[r];
                    into.tid = (int) (first >> 16);
                    into.op = (byte) (first >>> 8);
                    into.alignKind = (byte) first;
                    into.arg0 = rows[r + 1];
                    into.arg1 = rows[r + 2];
                    into.result = rows[r + 3];
                    into.position = rows[r + 4];
                    into.chunkWord = rows[r + 5];
                    into.brk = rows[r + 6];
                    warnings = rows[r + 7];
                    index++;
                    return true;
                }
                if (b.end) {
                    warnings = b.endWarnings;
                    if (b.failure != null) {
                        throw rethrow(b.failure);
                    }
                    return false;
                }
                current = null;
                empty.add(b); // never full: the ring holds BATCHES batches in all
            }
            try {
                current = filled.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the trace");
            }
            index = 0;
        }
    }

    private static IOException rethrow(Throwable t) {
        if (t instanceof IOException) {
            return (IOException) t;
        }
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        throw (Error) t;
    }

    @Override
    public long warnings() {
        return warnings;
    }

    /** The reader thread's loop: fills empty batches until the source ends, fails or is closed. */
    private void fill() {
        TraceEvent e = new TraceEvent();
        try {
            while (true) {
                Batch b = empty.take();
                b.size = 0;
                try {
                    while (b.size < BATCH && !closing) {
                        if (!source.next(e)) {
                            b.end = true;
                            break;
                        }
                        b.store(e, source.warnings());
                    }
                } catch (IOException | RuntimeException | Error x) {
                    b.end = true;
                    b.failure = x;
                }
                if (b.end) {
                    b.endWarnings = source.warnings();
                }
                filled.put(b);
                if (b.end || closing) {
                    return;
                }
            }
        } catch (InterruptedException stop) {
            // close() asked the thread to stop
        }
    }

    @Override
    public void close() throws IOException {
        closing = true;
        thread.interrupt();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        source.close();
    }

    /** One batch of decoded events, a row each; see the class comment for the layout. */
    private static final class Batch {
        final long[] rows = new long[BATCH * ROW];
        int size;
        boolean end;
        Throwable failure;
        long endWarnings;

        void store(TraceEvent e, long warningsNow) {
            int r = size++ * ROW;
            rows[r] = (long) e.tid << 16 | (e.op & 0xff) << 8 | (e.alignKind & 0xff);
            rows[r + 1] = e.arg0;
            rows[r + 2] = e.arg1;
            rows[r + 3] = e.result;
            rows[r + 4] = e.position;
            rows[r + 5] = e.chunkWord;
            rows[r + 6] = e.brk;
            rows[r + 7] = warningsNow;
        }
    }
}
