package org.mallocsim.traces.natives;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's traces/ folder from the module directory the tests run in. */
final class RepoTraces {
    private RepoTraces() {}

    static Path trace(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path t = dir.resolve("traces").resolve(name + ".mrec.zst");
            if (Files.exists(t)) {
                return t;
            }
        }
        throw new IllegalStateException(
                "traces/" + name + ".mrec.zst not found above " + Path.of("").toAbsolutePath());
    }
}
