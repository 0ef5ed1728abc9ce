package org.mallocsim.traces.format;

import java.io.IOException;
import java.io.InputStream;

/** Reads the mrec text format (see docs/trace-format.md), parsing bytes in place. */
final class TextTraceReader extends LineTraceReader {

    TextTraceReader(InputStream in, String source, boolean lenient) throws IOException {
        super(new LineInput(in, source), lenient);
        readHeader();
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
                    trailerPromised |= key.equals("trailer") && value.equals("end");
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


    /** The header's {@code trailer end}: the file must close with {@code # end N}. */
    private boolean trailerPromised;
    private boolean trailerSeen;
    /** Event lines so far, good or bad: what {@code # end N} counts. */
    private long lines;

    @Override
    boolean parseLine(TraceEvent e) throws TraceFormatException {
        if (trailerSeen) {
            throw error("expected the end of the file after the closing '# end' line");
        }
        if (in.end > in.start && in.buf[in.start] == '#') {
            String line = in.lineString();
            if (!line.startsWith("# end ")) {
                throw error("expected an event line or the closing '# end N', found '" + line + "'");
            }
            trailerSeen = true;
            long count;
            try {
                count = Long.parseLong(line.substring(6));
            } catch (NumberFormatException ex) {
                throw error("expected a decimal event count in '" + line + "'");
            }
            if (count != lines) {
                throw error("expected '# end " + lines + "' (the events above), found '" + line + "'");
            }
            return false;
        }
        lines++;
        parse(e);
        return true;
    }

    @Override
    void finish() throws TraceFormatException {
        if (trailerPromised && !trailerSeen) {
            throw new TraceFormatException(in.source(), in.lineNumber, false,
                    "the closing '# end " + lines + "' line that the header promises (the trace is cut short)");
        }
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
            case TraceEvent.MALLOC: case TraceEvent.VALLOC: case TraceEvent.PVALLOC:
                space(b);
                e.arg0 = decimal(b, "a decimal size");
                break;
            case TraceEvent.CALLOC: case TraceEvent.MEMALIGN_FAMILY:
                space(b);
                e.arg0 = decimal(b, op == TraceEvent.CALLOC ? "a decimal nmemb" : "a decimal alignment");
                space(b);
                e.arg1 = decimal(b, "a decimal size");
                break;
            case TraceEvent.REALLOC:
                space(b);
                e.arg0 = hex(b, "an old pointer in hex");
                space(b);
                e.arg1 = decimal(b, "a decimal size");
                break;
            case TraceEvent.FREE:
                space(b);
                e.arg0 = hex(b, "a pointer in hex");
                break;
            case TraceEvent.THREAD_START: case TraceEvent.FORK:
                space(b);
                e.arg0 = decimal(b, op == TraceEvent.FORK ? "a decimal child pid" : "a decimal parent tid");
                break;
            case TraceEvent.THREAD_EXIT:
                break;
            default:
                throw error("expected an op (one of m c r f a v p t x k), found '" + (char) (op & 0xff) + "'");
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
        long v = 0;
        while (p < in.end && b[p] >= '0' && b[p] <= '9') {
            int d = b[p] - '0';
            if (Long.compareUnsigned(v, 0x1999999999999999L) > 0
                    || (v == 0x1999999999999999L && d > 5)) {
                throw error("expected " + what + " below 2^64");
            }
            v = v * 10 + d;
            p++;
        }
        if (p == s) {
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
