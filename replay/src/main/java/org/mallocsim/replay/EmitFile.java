package org.mallocsim.replay;

import java.io.IOException;
import java.nio.file.Path;
import org.mallocsim.traces.format.TraceFormat;
import org.mallocsim.traces.format.TraceWriter;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.io.Compression;
import org.mallocsim.traces.io.OutputFile;

/**
 * The file {@code --emit} writes, the way every mallocsim command writes ({@link OutputFile}): a
 * temporary file beside the target, renamed over it only when the replay finished writing, so an
 * interrupted run never leaves half a trace under the name asked for. The format follows the
 * name: {@code .mrecb} binary, {@code .mrecb.zst} binary zstd, any other {@code .zst} text zstd,
 * anything else text.
 */
final class EmitFile implements AutoCloseable {
    private final OutputFile file;
    private final TraceWriter writer;

    private EmitFile(OutputFile file, TraceWriter writer) {
        this.file = file;
        this.writer = writer;
    }

    /**
     * Opens the temporary file for {@code target}.
     *
     * @throws IOException naming the file when {@code target} is the input trace itself, its
     *     directory is missing or the temporary file cannot be created
     */
    static EmitFile open(Path target, Path input) throws IOException {
        OutputFile file = OutputFile.create(target, input);
        try {
            TraceFormat format = formatFor(target);
            return new EmitFile(
                    file, Traces.create(file, format == TraceFormat.BINARY || format == TraceFormat.BINARY_ZSTD));
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The format a file name asks for. */
    static TraceFormat formatFor(Path file) {
        String name = file.getFileName().toString();
        boolean zst = Compression.zstdByName(file);
        boolean binary = (zst ? name.substring(0, name.length() - ".zst".length()) : name).endsWith(".mrecb");
        if (binary) {
            return zst ? TraceFormat.BINARY_ZSTD : TraceFormat.BINARY;
        }
        return zst ? TraceFormat.TEXT_ZSTD : TraceFormat.TEXT;
    }

    TraceWriter writer() {
        return writer;
    }

    /** Closes the writer and renames the temporary file over the target. */
    void commit() throws IOException {
        try {
            writer.close();
        } catch (IOException e) {
            throw OutputFile.failure(file.target(), e);
        }
        file.commit();
    }

    /** Without a commit, drops the temporary file. */
    @Override
    public void close() {
        file.close();
    }
}
