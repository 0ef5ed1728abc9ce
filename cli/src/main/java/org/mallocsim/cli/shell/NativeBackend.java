package org.mallocsim.cli.shell;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
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
 * the address space the calls then run in, and its heap is untouched until the first allocator
 * call.
 *
 * <p>The executor runs under {@code strace -f -e trace=memory} writing to a file: strace prints a
 * syscall's line (and flushes it) before the traced process goes on, so when a reply arrives every
 * syscall the call made is in the file. Its stderr goes to a second file, where glibc writes its
 * abort message. Core dumps are off ({@code ulimit -c 0}): an abort a script provokes leaves no
 * core file behind.
 */
final class NativeBackend implements Backend {
    private final Process process;
    private final OutputStream to;
    private final InputStream from;
    private final Path dir;
    private final Path traceFile;
    private final Path errFile;
    private long tracePos;
    /** Lines taken from the trace but not yet handed out (exitThread filters them). */
    private final List<String> pending = new ArrayList<>();

    NativeBackend() {
        try {
            dir = Files.createTempDirectory("mallocsim-exec");
            traceFile = dir.resolve("strace.txt");
            errFile = dir.resolve("stderr.txt");
            Files.createFile(traceFile);
            String exec = NativeBinaries.path("mallocsim-exec").toString();
            process = new ProcessBuilder(
                            "/bin/sh",
                            "-c",
                            "ulimit -c 0; exec strace -f -qq --seccomp-bpf "
                                    + "-e trace=memory -e signal=none -o \"$1\" \"$2\"",
                            "sh",
                            traceFile.toString(),
                            exec)
                    .redirectError(errFile.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the native executor under strace (installed by .ci/run)", e);
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
        takeSyscalls(); // the loader's and the executor's own start-up
        return text.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Override
    public long alloc(String name, long a, long b, long c) {
        String req = name.equals("malloc_usable_size") ? "usable" : name.equals("malloc_trim") ? "trim" : name;
        send(req, a, b, c);
        String r = readLineOrNull();
        if (r == null) {
            throw processDied();
        }
        String[] f = r.split(" ");
        switch (f[0]) {
            case "r":
                return Long.parseUnsignedLong(f[1], 16);
            case "e":
                return -Long.parseLong(f[1], 16);
            default:
                throw new IllegalStateException("native executor: unexpected reply '" + r + "'");
        }
    }

    @Override
    public long thread(int id) {
        return request("thread", id);
    }

    /**
     * As the executor's thread ends, start_thread gives back the unused part of its stack with
     * madvise(MADV_DONTNEED) over a range that depends on where its stack pointer was
     * (advise_stack_range, nptl/pthread_create.c); the emulated process cannot know that, so
     * that one line is left out.
     */
    @Override
    public long exitThread(int id) {
        List<String> before = takeSyscalls();
        long r = request("exit_thread", id);
        pending.addAll(before);
        for (String l : takeSyscalls()) {
            if (!(l.startsWith("madvise(") && l.endsWith("MADV_DONTNEED) = 0"))) {
                pending.add(l);
            }
        }
        return r;
    }

    @Override
    public long[] mallinfo2() {
        String[] f = text("mallinfo2").strip().split(" ");
        long[] v = new long[f.length];
        for (int i = 0; i < f.length; i++) {
            v[i] = Long.parseUnsignedLong(f[i], 16);
        }
        return v;
    }

    @Override
    public String mallocStats() {
        return text("malloc_stats");
    }

    @Override
    public int mallocInfo(int options, StringBuilder out) {
        send("malloc_info", options);
        String head = readLineOrNull();
        if (head == null) {
            throw processDied();
        }
        if (head.startsWith("e ")) {
            return Integer.parseInt(head.substring(2), 16);
        }
        out.append(textAfter(head));
        return 0;
    }

    /** The executor's own heap cannot be read from here: the views come from an emulated process. */
    @Override
    public HeapViews heapViews() {
        return null;
    }

    @Override
    public List<String> takeSyscalls() {
        List<String> lines = new ArrayList<>(pending);
        pending.clear();
        try (FileChannel ch = FileChannel.open(traceFile)) {
            long size = ch.size();
            if (size <= tracePos) {
                return lines;
            }
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) (size - tracePos));
            ch.read(buf, tracePos);
            String t = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
            int end = t.lastIndexOf('\n') + 1; // a line strace is still writing waits for the next call
            tracePos += t.substring(0, end).getBytes(StandardCharsets.UTF_8).length;
            for (String l : t.substring(0, end).split("\n")) {
                String n = Strace.normalize(l);
                if (!n.isEmpty() && !n.startsWith("+++") && !n.startsWith("---")) {
                    lines.add(n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the trace of the native executor: " + traceFile, e);
        }
        return lines;
    }

    /** The end of the process: the signal that killed it and what it wrote on stderr. */
    private ProcessDied processDied() {
        int status;
        try {
            status = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = -1;
        }
        String err;
        try {
            err = Files.readString(errFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err = "";
        }
        int sig = status > 128 ? status - 128 : 0;
        String name = sig == 6
                ? "SIGABRT"
                : sig == 11 ? "SIGSEGV" : sig == 9 ? "SIGKILL" : sig == 7 ? "SIGBUS" : sig != 0 ? "SIG" + sig : null;
        if (name == null) {
            throw new IllegalStateException("the native executor (pid " + process.pid() + ") ended: "
                    + NativeBinaries.exitStatus(status) + (err.isEmpty() ? "" : ": " + err.strip()));
        }
        return new ProcessDied(name, err);
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
        return text(file);
    }

    /** A request answered with text. */
    private String text(String request) {
        send(request);
        return textAfter(readLine());
    }

    /** The text a {@code t N} reply, {@code head}, announces. */
    private String textAfter(String head) {
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
            case "r":
                return Long.parseUnsignedLong(f[1], 16);
            case "e":
                return -Long.parseLong(f[1], 16);
            case "s":
                throw new SegmentationFault(
                        Long.parseUnsignedLong(f[2], 16),
                        Integer.parseInt(f[1], 16),
                        f.length > 3 ? Integer.parseUnsignedInt(f[3], 16) : 0);
            case "b":
                throw new BusError(Long.parseUnsignedLong(f[2], 16));
            default:
                throw new IllegalStateException("native executor: unexpected reply '" + r + "'");
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
                    ? NativeBinaries.exitStatus(process.exitValue())
                    : "no longer answering";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            how = "no longer answering";
        }
        return new IllegalStateException("the native executor (pid " + process.pid() + ") died: " + how);
    }

    private String readLine() {
        String l = readLineOrNull();
        if (l == null) {
            throw died();
        }
        return l;
    }

    /** The next reply line, or null at the end of the stream (the process is gone). */
    private String readLineOrNull() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int c; (c = from.read()) != '\n'; ) {
                if (c < 0) {
                    return null;
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
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // a temporary directory left behind is no reason to fail the session
        }
    }
}
