package org.mallocsim.traces.format;

import java.io.IOException;
import java.io.InputStream;

/** Reads the mrec text format (see docs/trace-format.md), parsing bytes in place. */
final class TextTraceReader extends LineTraceReader {

    private static final byte[] END_LINE = "# end ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** The header promised a closing {@code # end N} line; whether it has been read. */
    private boolean endPromised;

    private boolean endSeen;
    private long events;

    TextTraceReader(InputStream in, String source, boolean lenient) throws IOException {
        super(new LineInput(in, source), lenient);
        readHeader();
        endPromised = header.promisesEndLine();
    }

    @Override
    public boolean next(TraceEvent e) throws IOException {
        boolean more = super.next(e);
        if (more) {
            events++;
        } else if (endPromised && !endSeen) {
            endSeen = true; /* report once */
            TraceFormatException missing = error("expected the closing line '# end " + events
                    + "' that the header promises ('end line'), found the end of the file (truncated trace)");
            if (!lenient) {
                throw missing;
            }
            countWarning();
        }
        return more;
    }

    private void readHeader() throws IOException {
        if (!in.nextLine()) {
            throw error("expected a '# mrec VERSION ...' header line, found an empty file");
        }
        String first = in.lineString();
        String[] words = first.split(" ");
        if (words.length < 3 || !words[0].equals("#") || !words[1].equals("mrec") || words.length % 2 != 1) {
            throw error("expected '# mrec VERSION' followed by key/value pairs, found '" + first + "'");
        }
        try {
            header.version = Integer.parseInt(words[2]);
            for (int i = 3; i + 1 < words.length; i += 2) {
                String key = words[i];
                String value = words[i + 1];
                if (key.equals("glibc") && header.glibcVersion == null) {
                    header.glibcVersion = value;
                } else if (key.equals("nprocs") && header.nprocs == 0) {
                    header.nprocs = Integer.parseInt(value);
                } else if (key.equals("start-brk") && !header.hasStartBrk && value.startsWith("0x")) {
                    header.startBrk(Long.parseUnsignedLong(value.substring(2), 16));
                } else {
                    header.extraKeyValues.add(key);
                    header.extraKeyValues.add(value);
                }
            }
        } catch (NumberFormatException e) {
            throw error("expected numbers in the header line, found '" + first + "'");
        }
        while (in.nextLine()) {
            if (in.end > in.start && in.buf[in.start] == '#') {
                String line = in.lineString();
                if (line.startsWith("# end ") && header.promisesEndLine()) {
                    pending = true; /* the closing line of a trace without events */
                    return;
                }
                if (line.startsWith("# map ")) {
                    header.maps.add(line.substring(6));
                } else if (line.startsWith("# tunables ") && header.tunables == null) {
                    header.tunables = line.substring(11);
                } else if (line.startsWith("# ")) {
                    header.otherLines.add(line.substring(2));
                } else {
                    throw error("expected a header line starting '# ', found '" + line + "'");
                }
            } else {
                pending = true;
                return;
            }
        }
    }

    @Override
    boolean parseLine(TraceEvent e) throws TraceFormatException {
        if (endSeen) {
            throw error("expected nothing after the line '# end " + events + "'");
        }
        if (endPromised
                && in.end - in.start > END_LINE.length
                && java.util.Arrays.equals(
                        in.buf, in.start, in.start + END_LINE.length, END_LINE, 0, END_LINE.length)) {
            endSeen = true;
            p = in.start + END_LINE.length;
            long n = decimal(in.buf, "the event count of the end line");
            if (p != in.end || n != events) {
                throw error("expected the end line '# end " + events + "', found '" + in.lineString() + "'");
            }
            return false;
        }
        parse(e);
        return true;
    }

    private void parse(TraceEvent e) throws TraceFormatException {
        byte[] b = in.buf;
        p = in.start;
        e.position = in.lineNumber;
        long tid = decimal(b, "a decimal thread id");
        if (tid > 0xffffffffL) {
            throw error("expected a thread id below 2^32");
        }
        space(b);
        if (p >= in.end) {
            throw error("expected an op letter after the thread id");
        }
        byte op = b[p++];
        e.tid = (int) tid;
        e.op = op;
        e.alignKind = TraceEvent.ALIGN_UNSPECIFIED;
        e.arg0 = 0;
        e.arg1 = 0;
        switch (op) {
            case TraceEvent.MALLOC, TraceEvent.VALLOC, TraceEvent.PVALLOC -> {
                space(b);
                e.arg0 = decimal(b, "a decimal size");
            }
            case TraceEvent.CALLOC, TraceEvent.MEMALIGN_FAMILY -> {
                space(b);
                e.arg0 = decimal(b, op == TraceEvent.CALLOC ? "a decimal nmemb" : "a decimal alignment");
                space(b);
                e.arg1 = decimal(b, "a decimal size");
            }
            case TraceEvent.REALLOC -> {
                space(b);
                e.arg0 = hex(b, "an old pointer in hex");
                space(b);
                e.arg1 = decimal(b, "a decimal size");
            }
            case TraceEvent.FREE -> {
                space(b);
                e.arg0 = hex(b, "a pointer in hex");
            }
            case TraceEvent.THREAD_START, TraceEvent.FORK -> {
                space(b);
                e.arg0 = decimal(b, op == TraceEvent.FORK ? "a decimal child pid" : "a decimal parent tid");
            }
            case TraceEvent.THREAD_EXIT -> {}
            default -> throw error("expected an op (one of m c r f a v p t x k), found '" + (char) (op & 0xff) + "'");
        }
        space(b);
        if (p >= in.end || b[p] != '=') {
            throw error("expected '= RESULT CHUNKWORD BRK' after the arguments of '" + (char) op + "'");
        }
        p++;
        space(b);
        e.result = hex(b, "a result pointer in hex");
        space(b);
        e.chunkWord = hex(b, "a chunk word in hex");
        space(b);
        e.brk = hex(b, "a brk in hex");
        if (p != in.end) {
            throw error("expected the end of the line after BRK");
        }
    }

    private void space(byte[] b) throws TraceFormatException {
        if (p >= in.end || b[p] != ' ') {
            throw error("expected a single space at column " + (p - in.start + 1));
        }
        p++;
    }

    private long decimal(byte[] b, String what) throws TraceFormatException {
        int s = p;
        int i = s;
        int end = in.end;
        long v = 0;
        while (i < end) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            if (Long.compareUnsigned(v, 0x1999999999999999L) > 0 || (v == 0x1999999999999999L && d > 5)) {
                p = i;
                throw error("expected " + what + " below 2^64");
            }
            v = v * 10 + d;
            i++;
        }
        p = i;
        if (i == s) {
            throw error("expected " + what + " at column " + (s - in.start + 1));
        }
        return v;
    }

    private long hex(byte[] b, String what) throws TraceFormatException {
        if (p + 2 >= in.end + 0 || b[p] != '0' || b[p + 1] != 'x') {
            throw error("expected " + what + " ('0x' then hex digits) at column " + (p - in.start + 1));
        }
        p += 2;
        return hexDigits(what);
    }
}
