package org.mallocsim.traces.natives;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Compiles the small C programs of src/test/c with gcc into target/test-native, once per name. */
final class TestPrograms {
    private static final Path SOURCES = Path.of("src", "test", "c");
    private static final Path OUT = Path.of("target", "test-native");

    private TestPrograms() {}

    static synchronized Path compile(String name) throws IOException, InterruptedException {
        Path source = SOURCES.resolve(name + ".c").toAbsolutePath();
        Path binary = OUT.resolve(name).toAbsolutePath();
        if (Files.exists(binary)
                && Files.getLastModifiedTime(binary).compareTo(Files.getLastModifiedTime(source)) > 0) {
            return binary;
        }
        Files.createDirectories(OUT);
        Process gcc = new ProcessBuilder(List.of(
                        "gcc",
                        "-O1",
                        "-g",
                        "-Wall",
                        "-Wextra",
                        "-Werror",
                        "-pthread",
                        "-o",
                        binary.toString(),
                        source.toString()))
                .redirectErrorStream(true)
                .start();
        String log = new String(gcc.getInputStream().readAllBytes());
        if (gcc.waitFor() != 0) {
            throw new IllegalStateException("gcc failed on " + source + ":\n" + log);
        }
        return binary;
    }
}
