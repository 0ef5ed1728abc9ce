package org.mallocsim.replay;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.mallocsim.traces.format.TraceFormat;
import org.mallocsim.traces.format.TraceWriter;
import org.mallocsim.traces.format.Traces;

/**
 * The file {@code --emit} writes: a temporary file beside the target, renamed over it only when
 * the replay finished writing, so an interrupted run never leaves half a trace under the name
 * asked for. The format follows the name: {@code .mrecb} binary, {@code .mrecb.zst} binary
 * zstd, any other {@code .zst} text zstd, anything else text.
 */
final class EmitFile implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final TraceWriter writer;
    private boolean committed;

    private EmitFile(Path target, Path temp, TraceWriter writer) {
        this.target = target;
        this.temp = temp;
        this.writer = writer;
    }

    /**
     * Opens the temporary file for {@code target}.
     *
     * @throws IOException naming the file when {@code target} is the input trace itself or the
     *     temporary file cannot be created
     */
    static EmitFile open(Path target, Path input) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        if (input != null && (abs.equals(input.toAbsolutePath().normalize())
                || Files.exists(target) && Files.isSameFile(target, input))) {
            throw new IOException(target + ": refusing to overwrite the input trace with the answers");
        }
        Path dir = abs.getParent();
        if (!Files.isDirectory(dir)) {
            throw new IOException(target + ": cannot create (no directory " + dir + ")");
        }
        Path temp;
        try {
            temp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        } catch (IOException e) {
            throw new IOException(target + ": cannot create a temporary file beside it (" + e + ")", e);
        }
        try {
            return new EmitFile(abs, temp, Traces.create(temp, formatFor(abs)));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** The format a file name asks for. */
    static TraceFormat formatFor(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".mrecb.zst")) {
            return TraceFormat.BINARY_ZSTD;
        }
        if (name.endsWith(".mrecb")) {
            return TraceFormat.BINARY;
        }
        return name.endsWith(".zst") ? TraceFormat.TEXT_ZSTD : TraceFormat.TEXT;
    }

    TraceWriter writer() {
        return writer;
    }

    /** Closes the writer and renames the temporary file over the target. */
    void commit() throws IOException {
        writer.close();
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    /** Without a commit, drops the temporary file. */
    @Override
    public void close() throws IOException {
        if (!committed) {
            try {
                writer.close();
            } finally {
                Files.deleteIfExists(temp);
            }
        }
    }
}
