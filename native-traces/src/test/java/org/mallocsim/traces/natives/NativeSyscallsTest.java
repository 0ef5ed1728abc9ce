package org.mallocsim.traces.natives;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Counting the replayer's memory syscalls in an {@code strace -f} log, between its markers. */
class NativeSyscallsTest {
    private static final Path LOG = Path.of("replay.strace");

    @Test
    void onlyTheSyscallsBetweenTheTwoStatusOpensAfterClearRefsCountPlusTheFirstBrkNull() throws IOException {
        String log = String.join(
                "\n",
                "4100 brk(NULL)                         = 0x55a000",
                "4100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000",
                "4100 openat(AT_FDCWD, \"/proc/self/status\", O_RDONLY|O_CLOEXEC) = 3",
                "4100 openat(AT_FDCWD, \"/proc/self/clear_refs\", O_WRONLY|O_CLOEXEC) = 3",
                "4100 openat(AT_FDCWD, \"/proc/self/status\", O_RDONLY|O_CLOEXEC) = 3",
                "4100 brk(0x57b000)                     = 0x57b000",
                "4100 mmap(NULL, 200704, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0 <unfinished ...>",
                "4101 madvise(0x7e0000, 8364032, MADV_DONTNEED) = 0",
                "4100 <... mmap resumed>)               = 0x7f1000",
                "4100 munmap(0x7f1000, 200704)          = 0",
                "4100 mprotect(0x7a0000, 4096, PROT_NONE) = -1 ENOMEM (Cannot allocate memory)",
                "4100 openat(AT_FDCWD, \"/proc/self/status\", O_RDONLY|O_CLOEXEC) = 3",
                "4100 munmap(0x7f0000, 8192)            = 0",
                "4100 openat(AT_FDCWD, \"/proc/self/status\", O_RDONLY|O_CLOEXEC) = 3",
                "4100 +++ exited with 0 +++");
        Map<String, Long> counts = NativeSyscalls.parse(log, LOG);
        assertThat(counts)
                .containsExactly(
                        Map.entry("brk", 2L), // with the first brk(NULL), which the replayer's sbrk(0) made before
                        Map.entry("mmap", 1L),
                        Map.entry("munmap", 1L),
                        Map.entry("mprotect", 1L),
                        Map.entry("mremap", 0L),
                        Map.entry("madvise", 1L));
    }

    @Test
    void aLogWithoutTheClosingStatusOpenIsRefusedNamingTheFile() {
        String log = "4100 openat(AT_FDCWD, \"/proc/self/clear_refs\", O_WRONLY|O_CLOEXEC) = 3\n"
                + "4100 openat(AT_FDCWD, \"/proc/self/status\", O_RDONLY|O_CLOEXEC) = 3\n"
                + "4100 brk(NULL) = 0x55a000\n"
                + "4100 +++ killed by SIGSEGV +++\n";
        assertThatThrownBy(() -> NativeSyscalls.parse(log, LOG))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("replay.strace: ");
    }

    @Test
    void theRealGlibcsCallsAreCountedAndTheReplayersOwnAreNot(@TempDir Path dir) throws IOException {
        // a small block (the main arena grows with brk) and one above the 128 KiB mmap threshold,
        // mapped by sysmalloc and unmapped by free; the replayer's own mmaps (the trace, its
        // pointer map) come before the window
        Path trace = trace(
                dir,
                "1 m 24 = 0x5555555592a0 0x21 0x55555557a000",
                "1 m 200000 = 0x7ffff7fcd010 0x31002 0x55555557a000",
                "1 f 0x7ffff7fcd010 = 0x0 0x0 0x55555557a000");
        Map<String, Long> counts = NativeSyscalls.count(trace, NativeReplayer.Touch.NONE, "");
        assertThat(counts.get("brk")).as("brk(NULL) and the arena's growth").isEqualTo(2L);
        assertThat(counts.get("mmap")).isEqualTo(1L);
        assertThat(counts.get("munmap")).isEqualTo(1L);
        assertThat(counts.get("mremap")).isZero();
        // with the threshold raised, the big block comes from the heap too: no mmap at all
        Map<String, Long> raised =
                NativeSyscalls.count(trace, NativeReplayer.Touch.NONE, "glibc.malloc.mmap_threshold=1048576");
        assertThat(raised.get("mmap")).isZero();
        assertThat(raised.get("munmap")).isZero();
    }

    @Test
    void aThreadWithoutAnExitEventEndsAfterTheCountedCalls(@TempDir Path dir) throws IOException {
        // a trace without thread events (an older recording), so nothing says when thread 2 ended:
        // the emulated replay keeps it to the end. Were the replayer to end it after its last call,
        // its exit (glibc's madvise of the thread's stack, then tcache_thread_shutdown's frees of
        // the chunk it cached) would fall among the counted calls, before main's last one
        Path trace = trace(
                dir,
                "1 m 24 = 0x5555555592a0 0x21 0x55555557a000",
                "2 m 1000 = 0x555555559560 0x3f1 0x55555557a000",
                "2 f 0x555555559560 = 0x0 0x0 0x55555557a000",
                "1 m 24 = 0x5555555592c0 0x21 0x55555557a000");
        Map<String, Long> counts = NativeSyscalls.count(
                trace,
                NativeReplayer.Touch.NONE,
                "glibc.malloc.arena_max=1:glibc.malloc.trim_threshold=0:glibc.malloc.top_pad=0");
        assertThat(counts.get("brk")).as("brk(NULL) and the arena's growth").isEqualTo(2L);
        assertThat(counts.get("madvise"))
                .as("no thread stack released during the calls")
                .isZero();
    }

    /** A text trace of {@code events} in {@code dir}, under a header with start-brk 0x555555559000. */
    private static Path trace(Path dir, String... events) throws IOException {
        Path trace = dir.resolve("t.mrec");
        Files.writeString(
                trace, "# mrec 1 glibc 2.36 nprocs 2 start-brk 0x555555559000\n" + String.join("\n", events) + "\n");
        return trace;
    }
}
