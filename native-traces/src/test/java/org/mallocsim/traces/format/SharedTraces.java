package org.mallocsim.traces.format;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Finds the reference traces bundled in the repository (../traces from the module). */
final class SharedTraces {
    private SharedTraces() {}

    static Path dir() {
        Path p = Path.of("").toAbsolutePath();
        for (int i = 0; i < 4 && p != null; i++, p = p.getParent()) {
            Path t = p.resolve("traces");
            if (Files.isRegularFile(t.resolve("REFERENCE-FORMAT.md"))) {
                return t;
            }
        }
        throw new IllegalStateException("cannot find the repository's traces/ directory above "
                + Path.of("").toAbsolutePath());
    }

    static List<Path> all() {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(f -> f.toString().endsWith(".mrec.zst")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path named(String name) {
        return dir().resolve(name + ".mrec.zst");
    }

    static InputStream decompressed(Path p) throws IOException {
        return new BufferedInputStream(new ZstdInputStream(Files.newInputStream(p)), 1 << 16);
    }

    /** An output stream that checks every byte written against an expected stream. */
    static final class Comparing extends OutputStream {
        private final InputStream expected;
        long offset;
        long firstMismatch = -1;

        Comparing(InputStream expected) {
            this.expected = expected;
        }

        @Override
        public void write(int b) throws IOException {
            int e = expected.read();
            if (e != (b & 0xff) && firstMismatch < 0) {
                firstMismatch = offset;
            }
            offset++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = 0; i < len; i++) {
                write(b[off + i]);
            }
        }

        /** Whether the expected stream has bytes left after everything written. */
        boolean expectedHasMore() throws IOException {
            return expected.read() >= 0;
        }
    }
}
