package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium for the report tests (Debian's {@code chromium}, which {@code .ci/run}
 * installs): found on the PATH, run on one page with no network and a profile of its own, its
 * stdout and stderr kept. A test class without Chromium is skipped, saying why, outside CI; under
 * {@code CI=true} its absence fails.
 */
public final class Chromium {
    private final String executable;

    private Chromium(String executable) {
        this.executable = executable;
    }

    /** Chromium, or the calling test class aborted ({@code what} is skipped) or failed under CI. */
    public static Chromium findOrSkip(String what) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            for (String name : new String[] {"chromium", "chromium-browser"}) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return new Chromium(Path.of(dir, name).toString());
                }
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("chromium is not installed; .ci/run installs Debian's chromium package");
        }
        Assumptions.abort("chromium is not installed (apt-get install chromium): " + what + " is skipped");
        throw new AssertionError("unreachable");
    }

    /**
     * Runs Chromium headless on {@code url} with {@code args} after the common ones, its profile,
     * stdout and stderr in {@code dir}; returns {stdout, stderr}. Fails after 90 s.
     */
    public String[] run(Path dir, String url, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                executable,
                "--headless",
                "--disable-gpu",
                "--no-sandbox",
                "--no-first-run",
                "--disable-extensions",
                "--hide-scrollbars",
                "--user-data-dir=" + dir.resolve("profile")));
        cmd.addAll(List.of(args));
        cmd.add(url);
        Path out = dir.resolve("chromium.out");
        Path err = dir.resolve("chromium.err");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish within 90 s: " + cmd);
        }
        return new String[] {
            Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8)
        };
    }
}
