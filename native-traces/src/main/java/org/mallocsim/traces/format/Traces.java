package org.mallocsim.traces.format;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.mallocsim.traces.io.Compression;
import org.mallocsim.traces.io.OutputFile;

/** Opens traces of any known format, detected from their first bytes, and creates new ones. */
public final class Traces {
    private Traces() {}

    /** Opens a trace strictly: any malformed record is a {@link TraceFormatException}. */
    public static TraceReader open(Path path) throws IOException {
        return open(path, false);
    }

    /**
     * Opens a trace, detecting zstd/gzip compression and the format from the bytes.
     *
     * @param lenient skip malformed text lines, counting them in {@link TraceReader#warnings()},
     *     instead of failing (binary damage cannot be skipped and always fails)
     */
    public static TraceReader open(Path path, boolean lenient) throws IOException {
        InputStream raw;
        try {
            raw = Files.newInputStream(path);
        } catch (IOException e) {
            throw OutputFile.failure(path, e);
        }
        try {
            return open(raw, path.toString(), lenient);
        } catch (TraceFormatException | RuntimeException e) {
            raw.close();
            throw e;
        } catch (IOException e) {
            raw.close();
            throw OutputFile.failure(path, e);
        }
    }

    /** The end of the message of the error {@link #open} reports for a file in no format it knows. */
    public static final String UNKNOWN_FORMAT =
            "expected a trace: zstd or gzip data, the mrecb magic, '# mrec', mtrace's '= Start' or heaptrack's 'v '";

    /** Opens a trace from a stream; {@code source} names it in error messages. */
    public static TraceReader open(InputStream raw, String source, boolean lenient) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        byte[] head = peek(in, 8);
        if (Compression.isZstd(head)) {
            in = new BufferedInputStream(new DecompressionGuard(new ZstdInputStream(in), source, "zstd"), 1 << 16);
            head = peek(in, 8);
        } else if (Compression.isGzip(head)) {
            in = new BufferedInputStream(new DecompressionGuard(gunzip(in, source), source, "gzip"), 1 << 16);
            head = peek(in, 8);
        }
        if (head.length == 8 && java.util.Arrays.equals(head, BinaryLayout.MAGIC)) {
            in.skipNBytes(8);
            return new BinaryTraceReader(in, source);
        }
        String text = new String(head, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (text.startsWith("# mrec")) {
            return new TextTraceReader(in, source, lenient);
        }
        if (text.startsWith("= Start")
                || text.startsWith("= End")
                || text.startsWith("@ ")
                || text.startsWith("+ ")
                || text.startsWith("- ")
                || text.startsWith("< ")
                || text.startsWith("! ")) {
            return new MtraceReader(in, source, lenient);
        }
        if (text.startsWith("v ")) {
            return new HeaptrackReader(in, source, lenient);
        }
        throw new TraceFormatException(source, 0, true, UNKNOWN_FORMAT);
    }

    /**
     * Creates a trace writer into {@code file}, compressed as its name says; closing the writer
     * finishes the data, {@link OutputFile#commit()} then puts it in place.
     *
     * @param binary the mrecb format, else the mrec text format
     */
    public static TraceWriter create(OutputFile file, boolean binary) throws IOException {
        return create(file.open(), binary ? TraceFormat.BINARY : TraceFormat.TEXT);
    }

    /**
     * The encoding a {@code --format} choice asks for in a file of this name: true for mrecb,
     * false for text. Compression follows the name ({@link Compression#zstdByName}), so a
     * {@code _ZSTD} format is only accepted for a {@code .zst} name.
     *
     * @throws IllegalArgumentException for an import-only format or a compression the name contradicts
     */
    public static boolean binaryFormatFor(Path file, TraceFormat format) {
        boolean zst = Compression.zstdByName(file);
        switch (format) {
            case TEXT, BINARY -> {
                return format == TraceFormat.BINARY;
            }
            case TEXT_ZSTD, BINARY_ZSTD -> {
                if (!zst) {
                    throw new IllegalArgumentException(file + ": " + format + " asks for zstd, but the name does not "
                            + "end in .zst (compression follows the file name: name it " + file.getFileName()
                            + ".zst)");
                }
                return format == TraceFormat.BINARY_ZSTD;
            }
            default -> {
                throw new IllegalArgumentException(format + " is an import-only format: mallocsim reads it, "
                        + "but writes only TEXT or BINARY (compressed when the name ends in .zst)");
            }
        }
    }

    /** Creates a trace writer over a stream, which it closes when closed. */
    public static TraceWriter create(OutputStream out, TraceFormat format) throws IOException {
        switch (format) {
            case TEXT -> {
                return new TextTraceWriter(out);
            }
            case TEXT_ZSTD -> {
                return new TextTraceWriter(new BufferedOutputStream(new ZstdOutputStream(out, 9), 1 << 16));
            }
            case BINARY -> {
                return new BinaryTraceWriter(out);
            }
            case BINARY_ZSTD -> {
                return new BinaryTraceWriter(new BufferedOutputStream(new ZstdOutputStream(out, 9), 1 << 16));
            }
            default -> throw new IllegalArgumentException(format + " is an import-only format");
        }
    }

    /** Copies every event of {@code in} to {@code out}, header first; returns the event count. */
    public static long copy(TraceReader in, TraceWriter out) throws IOException {
        out.writeHeader(in.header());
        TraceEvent e = new TraceEvent();
        long n = 0;
        while (in.next(e)) {
            out.write(e);
            n++;
        }
        return n;
    }

    private static InputStream gunzip(InputStream in, String source) throws IOException {
        try {
            return new GZIPInputStream(in);
        } catch (IOException e) {
            throw new TraceFormatException(source, 0, true, "expected a gzip header (" + e.getMessage() + ")");
        }
    }

    private static byte[] peek(BufferedInputStream in, int n) throws IOException {
        in.mark(n);
        byte[] b = in.readNBytes(n);
        in.reset();
        return b;
    }
}
