package org.mallocsim.replay;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.SyscallKind;

/**
 * RSS, VM size, heap size, live bytes and syscalls after every call of a replay, at full
 * resolution, kept compressed as the replay goes: what the report needs to zoom down to single
 * calls on a trace of any length. Each series is a stream of unsigned LEB128 varints (signed values
 * zigzag-encoded, as protobuf does) deflated into a gzip member in memory, so a call costs about
 * a byte of heap whatever the trace's length; only the report asks for one.
 *
 * <pre>
 *  stream  record                                               written
 *  RSS     varint(call - previous change) zigzag(pages - previous)   when RSS changed (and at call 0)
 *  VM      the same, in pages                                        when the VM size changed
 *  HEAP    the same, in pages                                        when the heap size changed
 *  LIVE    zigzag(bytes - bytes after the previous call)             every call
 *  SYS     varint(call - previous record), then per SyscallKind in   when any syscall count changed
 *          ordinal order varint(count - previous count)
 * </pre>
 *
 * Calls are 0-based; values are those after the call. The report's script ({@code report.js})
 * inflates the members with the browser's {@code DecompressionStream('gzip')} and decodes them.
 * {@link #add} allocates nothing but the growth of the compressed output.
 */
public final class CallSeries {
    /** Stream index: resident pages, as change points. */
    public static final int RSS = 0;
    /** Stream index: mapped pages, as change points. */
    public static final int VM = 1;
    /** Stream index: the allocator's heap in pages, as change points. */
    public static final int HEAP = 2;
    /** Stream index: live bytes, as per-call deltas. */
    public static final int LIVE = 3;
    /** Stream index: syscall counts, as change records. */
    public static final int SYS = 4;

    static final int STREAMS = 5;
    private static final SyscallKind[] KIND_VALUES = SyscallKind.values();
    private static final int BUFFER = 1 << 16;

    private final AddressSpace space;
    private final Stream[] streams = new Stream[STREAMS];
    private final long[] lastValue = new long[3];
    private final long[] lastChange = new long[3];
    private final long[] syscalls = new long[KIND_VALUES.length];
    private long lastSysCall;
    private long lastLive;
    private long calls;
    private boolean finished;

    /** A series of the calls made on {@code space}. */
    CallSeries(AddressSpace space) {
        this.space = space;
        for (int s = 0; s < STREAMS; s++) {
            streams[s] = new Stream();
        }
    }

    /** Records the state after the next call. */
    void add(long rssPages, long vmPages, long heapPages, long liveBytes) {
        long call = calls++;
        change(RSS, call, rssPages);
        change(VM, call, vmPages);
        change(HEAP, call, heapPages);
        streams[LIVE].zigzag(liveBytes - lastLive);
        lastLive = liveBytes;
        boolean moved = false;
        for (int k = 0; k < KIND_VALUES.length && !moved; k++) {
            moved = space.syscallCount(KIND_VALUES[k]) != syscalls[k];
        }
        if (moved) {
            Stream s = streams[SYS];
            s.varint(call - lastSysCall);
            lastSysCall = call;
            for (int k = 0; k < KIND_VALUES.length; k++) {
                long now = space.syscallCount(KIND_VALUES[k]);
                s.varint(now - syscalls[k]);
                syscalls[k] = now;
            }
        }
    }

    private void change(int stream, long call, long value) {
        if (call == 0 || value != lastValue[stream]) {
            Stream s = streams[stream];
            s.varint(call - lastChange[stream]);
            s.zigzag(value - lastValue[stream]);
            lastChange[stream] = call;
            lastValue[stream] = value;
        }
    }

    /** Ends every stream; call once, after the last call. */
    void finish() {
        if (!finished) {
            finished = true;
            for (Stream s : streams) {
                s.finish();
            }
        }
    }

    /** Calls recorded. */
    public long calls() {
        return calls;
    }

    /** Stream {@code s} as a complete gzip member (after {@link #finish()}). */
    public byte[] gzip(int s) {
        if (!finished) {
            throw new IllegalStateException("the series is still being written");
        }
        return streams[s].out.toByteArray();
    }

    /** Writes stream {@code s} as a complete gzip member (after {@link #finish()}), without a copy. */
    public void writeGzip(int s, OutputStream to) throws IOException {
        if (!finished) {
            throw new IllegalStateException("the series is still being written");
        }
        streams[s].out.writeTo(to);
    }

    /** Compressed bytes held so far, over every stream. */
    public long compressedBytes() {
        long n = 0;
        for (Stream s : streams) {
            n += s.out.size();
        }
        return n;
    }

    /**
     * Bytes in blocks of 1 MiB, so growing never copies what is held (a doubling array would hold
     * up to twice the bytes and copy them all at each step); a small stream stays in one small block.
     */
    private static final class Blocks extends OutputStream {
        private static final int BLOCK = 1 << 20;
        private final ArrayList<byte[]> full = new ArrayList<>();
        private byte[] current = new byte[1 << 12];
        private int n;

        @Override
        public void write(int b) {
            if (n == current.length) {
                grow();
            }
            current[n++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (n == current.length) {
                    grow();
                }
                int k = Math.min(len, current.length - n);
                System.arraycopy(b, off, current, n, k);
                n += k;
                off += k;
                len -= k;
            }
        }

        private void grow() {
            if (current.length < BLOCK) {
                current = Arrays.copyOf(current, current.length * 2);
            } else {
                full.add(current);
                current = new byte[BLOCK];
                n = 0;
            }
        }

        long size() {
            return (long) full.size() * BLOCK + n;
        }

        void writeTo(OutputStream to) throws IOException {
            for (byte[] b : full) {
                to.write(b);
            }
            to.write(current, 0, n);
        }

        byte[] toByteArray() {
            long size = size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("a stream of " + size + " bytes does not fit one array");
            }
            byte[] out = new byte[(int) size];
            int at = 0;
            for (byte[] b : full) {
                System.arraycopy(b, 0, out, at, BLOCK);
                at += BLOCK;
            }
            System.arraycopy(current, 0, out, at, n);
            return out;
        }
    }

    /** One varint stream: a primitive buffer deflated a block at a time. */
    private static final class Stream {
        final Blocks out = new Blocks();
        private final GZIPOutputStream gzip;
        private final byte[] buf = new byte[BUFFER];
        private int n;

        Stream() {
            try {
                gzip = new GZIPOutputStream(out, BUFFER);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
            }
        }

        void zigzag(long v) {
            varint((v << 1) ^ (v >> 63));
        }

        void varint(long v) {
            if (n > BUFFER - 10) {
                flush();
            }
            while ((v & ~0x7fL) != 0) {
                buf[n++] = (byte) ((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            buf[n++] = (byte) v;
        }

        private void flush() {
            try {
                gzip.write(buf, 0, n);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            n = 0;
        }

        void finish() {
            flush();
            try {
                gzip.finish();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
