package org.mallocsim.traces.natives;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The C programs built with this module (recorder, replayer, shell executor) travel in the jar
 * under {@code native/}; this class copies one out to a private directory once per JVM and
 * returns its path, so a shaded jar works from anywhere.
 */
public final class NativeBinaries {
    private static Path dir;

    private NativeBinaries() {}

    /**
     * The path of a built program or library, e.g. {@code "mallocsim-exec"} or
     * {@code "libmrecord.so"}.
     *
     * @throws IllegalStateException when the jar has no such program (the C build did not run)
     */
    public static synchronized Path path(String name) {
        try {
            if (dir == null) {
                dir = Files.createTempDirectory(
                        "mallocsim-native-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                dir.toFile().deleteOnExit();
            }
            Path target = dir.resolve(name);
            if (!Files.exists(target)) {
                try (InputStream in = NativeBinaries.class.getResourceAsStream("/native/" + name)) {
                    if (in == null) {
                        throw new IllegalStateException(
                                "native program " + name + " is not built; build with gcc installed (./mvnw package)");
                    }
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                target.toFile().setExecutable(true, true);
                target.toFile().deleteOnExit();
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack native program " + name, e);
        }
    }

    /**
     * How a native program ended, for messages: "exit N", or "killed by signal N (SIGNAME)" for
     * the 128+N status Java reports for a process a signal ended.
     */
    public static String exitStatus(int status) {
        if (status <= 128 || status > 128 + 64) {
            return "exit " + status;
        }
        int sig = status - 128;
        String[] names = {
            null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
            "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"
        };
        return "killed by signal " + sig + (sig < names.length ? " (" + names[sig] + ")" : "");
    }
}
