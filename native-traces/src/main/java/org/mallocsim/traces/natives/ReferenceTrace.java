package org.mallocsim.traces.natives;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.mallocsim.traces.format.TraceFormat;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.TraceWriter;
import org.mallocsim.traces.format.Traces;

/**
 * The calls of a trace in the reference text format (traces/REFERENCE-FORMAT.md), held in
 * primitive columns so a two-million-call trace stays small: per call the thread id, operation,
 * arguments and glibc's three answers (result, chunk word, program break). Comment lines are
 * skipped except the header's {@code start-brk}, and so are mallocsim's thread and fork lines
 * ({@code t}, {@code x}, {@code k}; docs/trace-format.md), which are events but not calls.
 */
public final class ReferenceTrace {
    private long startBrk;
    private int size;
    private long[] tid = new long[1024];
    private byte[] op = new byte[1024];
    private long[] arg1 = new long[1024];
    private long[] arg2 = new long[1024];
    private long[] result = new long[1024];
    private long[] chunkWord = new long[1024];
    private long[] brk = new long[1024];

    private ReferenceTrace() {}

    /**
     * Opens a trace file as reference-format text: plain text as it is, zstd decompressed, and
     * every other format {@link Traces#open} knows (binary mrecb, mtrace, heaptrack) converted
     * through a temporary text file.
     */
    public static InputStream openText(Path path) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        byte[] magic = peek(in, 4);
        boolean zstd = magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd;
        if (zstd) {
            in = new BufferedInputStream(new ZstdInputStream(in), 1 << 16);
        }
        if (new String(peek(in, 6), StandardCharsets.ISO_8859_1).equals("# mrec")) {
            return in;
        }
        in.close();
        Path text = Files.createTempFile("mallocsim-trace-", ".mrec");
        text.toFile().deleteOnExit();
        try (TraceReader reader = Traces.open(path); TraceWriter writer = Traces.create(text, TraceFormat.TEXT)) {
            Traces.copy(reader, writer);
        }
        return new BufferedInputStream(Files.newInputStream(text), 1 << 16);
    }

    private static byte[] peek(InputStream in, int n) throws IOException {
        in.mark(n);
        byte[] head = in.readNBytes(n);
        in.reset();
        return head;
    }

    /** Reads a whole trace file (plain or zstd). */
    public static ReferenceTrace read(Path path) throws IOException {
        try (InputStream in = openText(path)) {
            return read(in, path.toString());
        }
    }

    /**
     * Reads a trace from a stream of reference-format text.
     *
     * @param source named in error messages
     * @throws IOException also when a line is malformed, naming the source and line
     */
    public static ReferenceTrace read(InputStream in, String source) throws IOException {
        ReferenceTrace t = new ReferenceTrace();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII), 1 << 16);
        String line;
        int lineNo = 0;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.startsWith("#")) {
                int at = line.indexOf("start-brk ");
                if (line.startsWith("# mrec") && at >= 0) {
                    t.startBrk = parseNumber(line.substring(at + 10).trim().split("\\s+")[0]);
                }
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.trim().split("\\s+");
            if (fields.length > 1 && (fields[1].equals("t") || fields[1].equals("x") || fields[1].equals("k"))) {
                continue;
            }
            try {
                t.add(fields);
            } catch (RuntimeException e) {
                throw new IOException(source + ":" + lineNo + ": not a reference-format call: " + line);
            }
        }
        return t;
    }

    private void add(String[] f) {
        int eq = Arrays.asList(f).indexOf("=");
        if (eq < 3 || f.length != eq + 4 || f[1].length() != 1) {
            throw new IllegalArgumentException();
        }
        if (size == tid.length) {
            int n = size * 2;
            tid = Arrays.copyOf(tid, n);
            op = Arrays.copyOf(op, n);
            arg1 = Arrays.copyOf(arg1, n);
            arg2 = Arrays.copyOf(arg2, n);
            result = Arrays.copyOf(result, n);
            chunkWord = Arrays.copyOf(chunkWord, n);
            brk = Arrays.copyOf(brk, n);
        }
        tid[size] = Long.parseLong(f[0]);
        op[size] = (byte) f[1].charAt(0);
        arg1[size] = parseNumber(f[2]);
        arg2[size] = eq > 3 ? parseNumber(f[3]) : 0;
        result[size] = parseNumber(f[eq + 1]);
        chunkWord[size] = parseNumber(f[eq + 2]);
        brk[size] = parseNumber(f[eq + 3]);
        size++;
    }

    static long parseNumber(String s) {
        return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseUnsignedLong(s);
    }

    /** The program break before the first call (0 when the header has none). */
    public long startBrk() {
        return startBrk;
    }

    /** Number of calls. */
    public int size() {
        return size;
    }

    /** Kernel thread id of call {@code i}. */
    public long tid(int i) {
        return tid[i];
    }

    /** Operation letter of call {@code i}: m c r f a v p. */
    public char op(int i) {
        return (char) op[i];
    }

    /** First argument as written (size, count, alignment or pointer). */
    public long arg1(int i) {
        return arg1[i];
    }

    /** Second argument (0 for one-argument calls). */
    public long arg2(int i) {
        return arg2[i];
    }

    /** The pointer glibc returned (0 for NULL and for free). */
    public long result(int i) {
        return result[i];
    }

    /** The 8 bytes below the result after the call. */
    public long chunkWord(int i) {
        return chunkWord[i];
    }

    /** The program break after the call. */
    public long brk(int i) {
        return brk[i];
    }

    /** Number of distinct thread ids. */
    public int threadCount() {
        return (int) Arrays.stream(tid, 0, size).distinct().count();
    }
}
