package org.mallocsim.cli.shell;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.mallocsim.kernel.BusError;
import org.mallocsim.kernel.SegmentationFault;
import org.mallocsim.traces.format.TraceFormat;
import org.mallocsim.traces.format.TraceHeader;
import org.mallocsim.traces.format.TraceWriter;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.natives.NativeBinaries;

/**
 * The shell's calls in a real process on this machine's kernel: {@code mallocsim-exec}
 * (native-traces/src/main/c/exec/exec.c), driven over its stdin and stdout with one line a
 * request. The process allocates nothing of its own, so the listing it reports at the start is
 * the address space the calls then run in.
 */
final class NativeBackend implements Backend {
    private final Process process;
    private final OutputStream to;
    private final InputStream from;

    NativeBackend() {
        try {
            process = new ProcessBuilder(NativeBinaries.path("mallocsim-exec").toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the native executor", e);
        }
        to = process.getOutputStream();
        from = process.getInputStream();
    }

    /**
     * The process's /proc/self/maps lines, its program break at start and the kernel settings its
     * answers depend on (the {@code # kernel} line, see {@link Listing}), as a listing to start
     * from: the header of a trace without calls, written by the trace writer so that
     * {@code --maps} reads it back with the trace reader.
     */
    List<String> listing() {
        TraceHeader h = new TraceHeader().startBrk(request("startbrk"));
        h.otherLines.add(TraceHeader.KERNEL + proc("kernel").strip());
        for (String l : proc("maps").split("\n")) {
            if (!l.isEmpty()) {
                h.maps.add(l);
            }
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (TraceWriter w = Traces.create(text, TraceFormat.TEXT)) {
            w.writeHeader(h);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** The executor's process id (for tests that end it). */
    long pid() {
        return process.pid();
    }

    @Override
    public long brk(long addr) {
        return request("brk", addr);
    }

    @Override
    public long mmap(long addr, long length, long prot, long flags, long fd, long offset) {
        return request("mmap", addr, length, prot, flags, fd, offset);
    }

    @Override
    public long munmap(long addr, long length) {
        return request("munmap", addr, length);
    }

    @Override
    public long mprotect(long addr, long length, long prot) {
        return request("mprotect", addr, length, prot);
    }

    @Override
    public long mremap(long oldAddr, long oldLength, long newLength, long flags, long newAddr) {
        return request("mremap", oldAddr, oldLength, newLength, flags, newAddr);
    }

    @Override
    public long madvise(long addr, long length, long advice) {
        return request("madvise", addr, length, advice);
    }

    @Override
    public long load(int width, long addr) {
        return request("load", width, addr);
    }

    @Override
    public void store(int width, long addr, long value) {
        request("store", width, addr, value);
    }

    /** A real process cannot read its page tables; /proc/self/pagemap shows only the leaf, as root. */
    @Override
    public String pageWalk(long addr) {
        return "# walk: the page tables of a real process are not visible from user space\n";
    }

    @Override
    public String proc(String file) {
        send(file);
        String head = readLine();
        if (!head.startsWith("t ")) {
            throw new IllegalStateException("native executor: expected text, got '" + head + "'");
        }
        int n = Integer.parseInt(head.substring(2), 16);
        try {
            return new String(from.readNBytes(n), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One call: its value, {@code -errno}, or the fault it raised thrown. */
    private long request(String name, long... args) {
        send(name, args);
        String r = readLine();
        String[] f = r.split(" ");
        switch (f[0]) {
            case "r": return Long.parseUnsignedLong(f[1], 16);
            case "e": return -Long.parseLong(f[1], 16);
            case "s": throw new SegmentationFault(Long.parseUnsignedLong(f[2], 16), Integer.parseInt(f[1], 16),
                    f.length > 3 ? Integer.parseUnsignedInt(f[3], 16) : 0);
            case "b": throw new BusError(Long.parseUnsignedLong(f[2], 16));
            default: throw new IllegalStateException("native executor: unexpected reply '" + r + "'");
        }
    }

    private void send(String name, long... args) {
        StringBuilder sb = new StringBuilder(name);
        for (long a : args) {
            sb.append(' ').append(Long.toHexString(a));
        }
        sb.append('\n');
        try {
            to.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
            to.flush();
        } catch (IOException e) {
            throw died();
        }
    }

    /** The error for an executor that is gone: how it ended (exit status or signal). */
    private IllegalStateException died() {
        String how;
        try {
            how = process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)
                    ? NativeBinaries.exitStatus(process.exitValue()) : "no longer answering";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            how = "no longer answering";
        }
        return new IllegalStateException("the native executor (pid " + process.pid() + ") died: " + how);
    }

    private String readLine() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int c; (c = from.read()) != '\n'; ) {
                if (c < 0) {
                    throw died();
                }
                line.write(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        try {
            to.close();
            process.waitFor();
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }
}
