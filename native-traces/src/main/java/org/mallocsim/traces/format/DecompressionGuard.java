package org.mallocsim.traces.format;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Turns a decompressor's I/O errors (truncated or corrupt zstd/gzip data) into
 * {@link TraceFormatException}s naming the file and the decompressed offset reached.
 */
final class DecompressionGuard extends FilterInputStream {
    private final String source;
    private final String codec;
    private long offset;

    DecompressionGuard(InputStream in, String source, String codec) {
        super(in);
        this.source = source;
        this.codec = codec;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            int n = super.read(b, off, len);
            if (n > 0) {
                offset += n;
            }
            return n;
        } catch (TraceFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new TraceFormatException(
                    source,
                    offset,
                    true,
                    "expected valid " + codec + " data (decompressed byte offset; " + e.getMessage() + ")");
        }
    }
}
