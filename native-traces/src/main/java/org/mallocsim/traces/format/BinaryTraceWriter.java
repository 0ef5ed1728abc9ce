package org.mallocsim.traces.format;

import static org.mallocsim.traces.format.BinaryLayout.*;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes the mrecb binary format (docs/trace-format.md) into a reused byte buffer. */
final class BinaryTraceWriter implements TraceWriter {
    private final OutputStream out;
    private final byte[] buf = new byte[1 << 16];
    private int n;
    private final SlotTable slots = new SlotTable();
    private final LongIntMap threadIndex = new LongIntMap();
    private long[] lastEnd = new long[16];
    private int threads;
    private int currentThread = -1;
    private long startBrk;
    private long prevBrk;
    private long records;

    BinaryTraceWriter(OutputStream out) {
        this.out = out;
    }

    @Override
    public void writeHeader(TraceHeader h) throws IOException {
        out.write(MAGIC);
        out.write(VERSION);
        varint(TAG_MREC_VERSION);
        varint(h.version);
        if (h.glibcVersion != null) {
            varint(TAG_GLIBC);
            string(h.glibcVersion);
        }
        if (h.nprocs != 0) {
            varint(TAG_NPROCS);
            varint(h.nprocs);
        }
        if (h.hasStartBrk) {
            varint(TAG_START_BRK);
            varint(h.startBrk);
            startBrk = h.startBrk;
            prevBrk = h.startBrk;
        }
        for (String m : h.maps) {
            varint(TAG_MAP);
            string(m);
        }
        if (h.tunables != null) {
            varint(TAG_TUNABLES);
            string(h.tunables);
        }
        for (int i = 0; i + 1 < h.extraKeyValues.size(); i += 2) {
            varint(TAG_KEY_VALUE);
            string(h.extraKeyValues.get(i));
            string(h.extraKeyValues.get(i + 1));
        }
        for (String l : h.otherLines) {
            varint(TAG_LINE);
            string(l);
        }
        varint(TAG_END);
    }

    @Override
    public void write(TraceEvent e) throws IOException {
        if (n > buf.length - 128) {
            flush();
        }
        int opcode = opcode(e);
        int opPos = n++;
        int flags = 0;
        long key = (e.tid & 0xffffffffL) + 1;
        int t = threadIndex.get(key);
        if (t == LongIntMap.MISSING) {
            t = threads++;
            threadIndex.put(key, t);
            if (t == lastEnd.length) {
                lastEnd = Arrays.copyOf(lastEnd, t * 2);
            }
            lastEnd[t] = startBrk;
            flags |= FLAG_THREAD;
            varint(t);
            varint(e.tid & 0xffffffffL);
        } else if (t != currentThread) {
            flags |= FLAG_THREAD;
            varint(t);
        }
        currentThread = t;
        if (!regular(e, opcode, t)) {
            flags |= FLAG_IRREGULAR;
            varint(e.arg0);
            varint(e.arg1);
            varint(e.result);
            varint(e.chunkWord);
        }
        if (e.brk != prevBrk) {
            flags |= FLAG_BRK;
            varint(zigzag(e.brk - prevBrk));
            prevBrk = e.brk;
        }
        buf[opPos] = (byte) (opcode | flags);
        if (TraceEvent.allocates(e.op) && e.result != 0) {
            lastEnd[t] = e.result + (e.chunkWord & ~7L);
        }
        slots.update(e);
        records++;
    }

    /** Writes the regular fields if the event allows them; otherwise writes nothing. */
    private boolean regular(TraceEvent e, int opcode, int t) {
        switch (opcode) {
            case OP_MALLOC, OP_VALLOC, OP_PVALLOC -> {
                if (e.arg1 != 0) {
                    return false;
                }
                varint(e.arg0);
                allocationTail(e, lastEnd[t], e.arg0);
                return true;
            }
            case OP_CALLOC -> {
                varint(e.arg0);
                varint(e.arg1);
                allocationTail(e, lastEnd[t], e.arg0 * e.arg1);
                return true;
            }
            case OP_REALLOC -> {
                int s = slots.slot(e.arg0);
                if (e.arg0 != 0 && s == LongIntMap.MISSING) {
                    return false;
                }
                varint(e.arg0 == 0 ? 0 : s + 1L);
                varint(e.arg1);
                allocationTail(e, e.arg0 != 0 ? e.arg0 : lastEnd[t], e.arg1);
                return true;
            }
            case OP_FREE -> {
                int s = slots.slot(e.arg0);
                if ((e.arg0 != 0 && s == LongIntMap.MISSING) || e.arg1 != 0 || e.result != 0 || e.chunkWord != 0) {
                    return false;
                }
                varint(e.arg0 == 0 ? 0 : s + 1L);
                return true;
            }
            case OP_THREAD_START, OP_FORK -> {
                if (e.arg1 != 0 || e.result != 0 || e.chunkWord != 0) {
                    return false;
                }
                varint(e.arg0);
                return true;
            }
            case OP_THREAD_EXIT -> {
                return e.arg0 == 0 && e.arg1 == 0 && e.result == 0 && e.chunkWord == 0;
            }
            default -> {
                // memalign family
                varint(e.arg0);
                varint(e.arg1);
                allocationTail(e, lastEnd[t], e.arg1);
                return true;
            }
        }
    }

    private void allocationTail(TraceEvent e, long predictedResult, long request) {
        varint(zigzag(e.result - predictedResult));
        varint(zigzag(e.chunkWord - request2size(request)));
    }

    private void varint(long v) {
        while ((v & ~0x7fL) != 0) {
            buf[n++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf[n++] = (byte) v;
    }

    private void string(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_STRING) {
            throw new IOException("header string longer than " + MAX_STRING + " bytes");
        }
        varint(b.length);
        flush();
        out.write(b);
    }

    private void flush() throws IOException {
        out.write(buf, 0, n);
        n = 0;
    }

    @Override
    public void close() throws IOException {
        try {
            buf[n++] = OP_END;
            varint(records);
            System.arraycopy(END_MAGIC, 0, buf, n, END_MAGIC.length);
            n += END_MAGIC.length;
            flush();
        } finally {
            out.close();
        }
    }
}
