package org.mallocsim.traces.format;

import static org.mallocsim.traces.format.BinaryLayout.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads the mrecb binary format (docs/trace-format.md); errors name the byte offset. */
final class BinaryTraceReader implements TraceReader {
    private final InputStream in;
    private final String source;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private long consumedBefore;
    private final TraceHeader header = new TraceHeader();
    private final SlotTable slots = new SlotTable();
    private long[] lastEnd = new long[16];
    private int[] tids = new int[16];
    private int threads;
    private int currentThread = -1;
    private long startBrk;
    private long prevBrk;
    private long records;
    private boolean ended;
    private final int version;

    /** {@code in} must be positioned just after the 8-byte magic. */
    BinaryTraceReader(InputStream in, String source) throws IOException {
        this.in = in;
        this.source = source;
        consumedBefore = MAGIC.length;
        version = readByte("the format version byte");
        if (version < 1 || version > MAX_VERSION) {
            throw error(offset() - 1, "expected format version 1 to " + MAX_VERSION + ", found " + version);
        }
        readHeader();
    }

    private void readHeader() throws IOException {
        while (true) {
            long at = offset();
            long tag = varint("a header tag");
            switch ((int) Math.min(tag, 99)) {
                case TAG_END -> {
                    return;
                }
                case TAG_GLIBC -> header.glibcVersion = string();
                case TAG_NPROCS -> header.nprocs = (int) Math.min(varint("nprocs"), Integer.MAX_VALUE);
                case TAG_START_BRK -> {
                    header.startBrk(varint("start-brk"));
                    startBrk = header.startBrk;
                    prevBrk = startBrk;
                }
                case TAG_MAP -> header.maps.add(string());
                case TAG_TUNABLES -> header.tunables = string();
                case TAG_KEY_VALUE -> {
                    header.extraKeyValues.add(string());
                    header.extraKeyValues.add(string());
                }
                case TAG_LINE -> header.otherLines.add(string());
                case TAG_MREC_VERSION -> header.version = (int) Math.min(varint("the mrec version"), Integer.MAX_VALUE);
                default -> throw error(at, "expected a header tag 0..8, found " + Long.toUnsignedString(tag));
            }
        }
    }

    @Override
    public TraceHeader header() {
        return header;
    }

    @Override
    public boolean next(TraceEvent e) throws IOException {
        if (ended) {
            return false;
        }
        long at = offset();
        e.position = at;
        int b = readByte("a record op byte or the end marker");
        int opcode = b & OPCODE_MASK;
        if (opcode == OP_END) {
            if (b != 0) {
                throw error(at, "expected end marker byte 00, found flags 0x" + Integer.toHexString(b));
            }
            readTrailer();
            return false;
        }
        if (!setOp(e, opcode)) {
            throw error(at, "expected an op byte (opcode 1..13), found 0x" + Integer.toHexString(b));
        }
        boolean address = (b & FLAG_ADDRESS) != 0;
        if (address && (version < 2 || (b & FLAG_IRREGULAR) != 0 || (opcode != OP_FREE && opcode != OP_REALLOC))) {
            throw error(
                    at,
                    "expected flag 0x80 only on a regular free or realloc record of version 2, found 0x"
                            + Integer.toHexString(b));
        }
        if ((b & FLAG_THREAD) != 0) {
            long t = varint("a thread index");
            if (t == threads) {
                long tid = varint("the kernel tid of a new thread");
                if (tid > 0xffffffffL) {
                    throw error(at, "expected a kernel tid below 2^32");
                }
                if (threads == tids.length) {
                    tids = Arrays.copyOf(tids, threads * 2);
                    lastEnd = Arrays.copyOf(lastEnd, threads * 2);
                }
                tids[threads] = (int) tid;
                lastEnd[threads] = startBrk;
                threads++;
            } else if (t > threads) {
                throw error(at, "expected a thread index at most " + threads + ", found " + Long.toUnsignedString(t));
            }
            currentThread = (int) t;
        } else if (currentThread < 0) {
            throw error(at, "expected the first record to name its thread (flag 0x10)");
        }
        int t = currentThread;
        e.tid = tids[t];
        if ((b & FLAG_IRREGULAR) != 0) {
            e.arg0 = varint("arg0");
            e.arg1 = varint("arg1");
            e.result = varint("the result");
            e.chunkWord = varint("the chunk word");
        } else {
            regular(e, opcode, t, at, address);
        }
        if ((b & FLAG_BRK) != 0) {
            prevBrk += unzigzag(varint("a brk delta"));
        }
        e.brk = prevBrk;
        if (TraceEvent.allocates(e.op) && e.result != 0) {
            lastEnd[t] = e.result + (e.chunkWord & ~7L);
        }
        slots.update(e);
        records++;
        return true;
    }

    private void regular(TraceEvent e, int opcode, int t, long at, boolean address) throws IOException {
        e.arg1 = 0;
        e.result = 0;
        e.chunkWord = 0;
        switch (opcode) {
            case OP_MALLOC, OP_VALLOC, OP_PVALLOC -> {
                e.arg0 = varint("a size");
                allocationTail(e, lastEnd[t], e.arg0);
            }
            case OP_CALLOC -> {
                e.arg0 = varint("nmemb");
                e.arg1 = varint("a size");
                allocationTail(e, lastEnd[t], e.arg0 * e.arg1);
            }
            case OP_REALLOC -> {
                e.arg0 = pointer(at, address, t);
                e.arg1 = varint("a size");
                allocationTail(e, e.arg0 != 0 ? e.arg0 : lastEnd[t], e.arg1);
            }
            case OP_FREE -> e.arg0 = pointer(at, address, t);
            case OP_THREAD_START, OP_FORK -> e.arg0 = varint(opcode == OP_FORK ? "a child pid" : "a parent tid");
            case OP_THREAD_EXIT -> e.arg0 = 0;
            default -> {
                e.arg0 = varint("an alignment");
                e.arg1 = varint("a size");
                allocationTail(e, lastEnd[t], e.arg1);
            }
        }
    }

    /** A free's or realloc's pointer argument: ref(p), or with flag A, zz(p - P). */
    private long pointer(long at, boolean address, int t) throws IOException {
        return address ? lastEnd[t] + unzigzag(varint("a pointer delta")) : ref(at);
    }

    private long ref(long at) throws IOException {
        long r = varint("a slot reference");
        if (r == 0) {
            return 0;
        }
        long p = r <= Integer.MAX_VALUE ? slots.pointer((int) (r - 1)) : 0;
        if (p == 0) {
            throw error(
                    at,
                    "expected a reference to a live slot, found slot " + Long.toUnsignedString(r - 1)
                            + " which holds no live pointer");
        }
        return p;
    }

    private void allocationTail(TraceEvent e, long predictedResult, long request) throws IOException {
        e.result = predictedResult + unzigzag(varint("a result delta"));
        e.chunkWord = request2size(request) + unzigzag(varint("a chunk word delta"));
    }

    private void readTrailer() throws IOException {
        long at = offset();
        long count = varint("the record count of the end marker");
        if (count != records) {
            throw error(
                    at,
                    "expected the end marker's record count to be " + records + ", found "
                            + Long.toUnsignedString(count));
        }
        for (byte m : END_MAGIC) {
            long mAt = offset();
            if ((byte) readByte("the closing magic 'ENDMRECB'") != m) {
                throw error(mAt, "expected the closing magic 'ENDMRECB'");
            }
        }
        if (pos < limit || fill()) {
            throw error(offset(), "expected the end of the file after the end marker");
        }
        ended = true;
    }

    private long offset() {
        return consumedBefore + pos;
    }

    private boolean fill() throws IOException {
        consumedBefore += limit;
        pos = 0;
        limit = 0;
        int r;
        do {
            r = in.read(buf, 0, buf.length);
        } while (r == 0);
        if (r < 0) {
            return false;
        }
        limit = r;
        return true;
    }

    private int readByte(String what) throws IOException {
        if (pos == limit && !fill()) {
            throw error(offset(), "expected " + what + ", found the end of the file (truncated trace)");
        }
        return buf[pos++] & 0xff;
    }

    private long varint(String what) throws IOException {
        long at = offset();
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int b = readByte(what);
            if (shift == 63 && (b & 0xfe) != 0) {
                throw error(at, "expected " + what + " as a varint of at most 64 bits");
            }
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
    }

    private String string() throws IOException {
        long at = offset();
        long len = varint("a string length");
        if (len > MAX_STRING) {
            throw error(at, "expected a string length at most " + MAX_STRING + ", found " + Long.toUnsignedString(len));
        }
        byte[] s = new byte[(int) len];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) readByte("a string byte");
        }
        return new String(s, StandardCharsets.UTF_8);
    }

    private TraceFormatException error(long at, String expected) {
        return new TraceFormatException(source, at, true, expected);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
