package org.mallocsim.traces.natives;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory syscalls the real glibc makes during a native replay's calls, counted by running
 * {@code mallocsim-replay} under {@code strace -f}. glibc's malloc reaches brk and mmap through
 * its own internal symbols, which no {@code LD_PRELOAD} wrapper can interpose, so the kernel's
 * side is the only place to count them.
 *
 * <p>Only the calls' syscalls count, not the replayer's own (loading, reading the trace, its
 * pointer map's first table, writing the answers). The replayer opens
 * {@code /proc/self/clear_refs}, then {@code /proc/self/status} right before the first call and
 * {@code /proc/self/status} again right after the last one (its peak RSS measure); those two
 * status opens bound the window. The one syscall of the calls that the replayer makes before it
 * (the first {@code brk(NULL)}) is added back, see {@link #parse}. Inside the window the
 * replayer itself maps memory only when its pointer map outgrows 40,960 live pointers (an mmap
 * and a munmap per doubling), which a trace with fewer blocks live at once never reaches (pythr
 * peaks at 24,892).
 */
public final class NativeSyscalls {
    private NativeSyscalls() {}

    /** The syscalls counted, in {@code SyscallKind} order (kernel-sim). */
    public static final List<String> NAMES = List.of("brk", "mmap", "munmap", "mprotect", "mremap", "madvise");

    /**
     * Replays {@code trace} on the real glibc with {@code extraTunables} added (a
     * {@code GLIBC_TUNABLES} value, "" for none) and counts the memory syscalls its calls made.
     *
     * @return counts by name, in the order of {@link #NAMES}
     * @throws IOException when strace is not installed, the replay fails, or strace's log does
     *     not show the window
     */
    public static Map<String, Long> count(Path trace, NativeReplayer.Touch touch, String extraTunables)
            throws IOException {
        String strace = findStrace();
        Path log = Files.createTempFile("mallocsim-strace-", ".log");
        Path answers = Files.createTempFile("mallocsim-strace-", ".mrec");
        try {
            List<String> wrapper = List.of(
                    strace,
                    "-f",
                    "-qq",
                    "-e",
                    "signal=none",
                    "-e",
                    "trace=openat," + String.join(",", NAMES),
                    "-o",
                    log.toString());
            NativeReplayer.replay(trace, answers, touch, extraTunables, wrapper, n -> {});
            return parse(Files.readString(log, StandardCharsets.UTF_8), log);
        } finally {
            Files.deleteIfExists(log);
            Files.deleteIfExists(answers);
        }
    }

    /**
     * Counts the memory syscalls between the replayer's two opens of {@code /proc/self/status}
     * that follow its open of {@code /proc/self/clear_refs}, in an {@code strace -f} log: one per
     * call started (a line {@code PID name(...}), so a call strace splits across an
     * {@code <unfinished ...>} and a {@code <... resumed>} line counts once, and a failed call
     * counts as the emulated kernel counts it. When the calls made any brk, one more is counted:
     * glibc's first {@code sbrk} in a process asks for the break with {@code brk(NULL)} before it
     * moves it, and in the replayer that first {@code sbrk} is its own {@code sbrk(0)} before the
     * window.
     */
    static Map<String, Long> parse(String log, Path name) throws IOException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String n : NAMES) {
            counts.put(n, 0L);
        }
        int state = 0; // 0 before clear_refs, 1 before the first status, 2 counting, 3 done
        try (BufferedReader in = new BufferedReader(new StringReader(log))) {
            for (String line = in.readLine(); line != null && state < 3; line = in.readLine()) {
                String call = callName(line);
                if (call == null) {
                    continue;
                }
                if (call.equals("openat")) {
                    if (line.contains("\"/proc/self/clear_refs\"") && state == 0) {
                        state = 1;
                    } else if (line.contains("\"/proc/self/status\"") && state > 0) {
                        state++;
                    }
                } else if (state == 2 && counts.containsKey(call)) {
                    counts.merge(call, 1L, Long::sum);
                }
            }
        }
        if (state != 3) {
            throw new IOException(name + ": strace's log does not show the replayer's calls between its opens of "
                    + "/proc/self/status");
        }
        if (counts.get("brk") > 0) {
            // The replayer read the break with sbrk(0) before the first call, so glibc's __sbrk had
            // already asked the kernel for it (brk(NULL), once per process: misc/sbrk.c); in the
            // recorded program the first call that grew the heap made that brk(NULL) itself.
            counts.merge("brk", 1L, Long::sum);
        }
        return counts;
    }

    /** The syscall a line of {@code strace -f} starts ({@code "1234 mmap(NULL, ..."}), or null. */
    private static String callName(String line) {
        int i = 0;
        while (i < line.length() && Character.isDigit(line.charAt(i))) {
            i++;
        }
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        int start = i;
        while (i < line.length() && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_')) {
            i++;
        }
        return i > start && i < line.length() && line.charAt(i) == '(' ? line.substring(start, i) : null;
    }

    private static String findStrace() throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, "strace");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IOException(
                "strace is not installed (apt-get install strace): the real glibc's syscalls " + "cannot be counted");
    }
}
