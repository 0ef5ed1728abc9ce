package org.mallocsim.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The bundled traces under traces/, found from wherever the tests run. */
final class BundledTraces {
    private BundledTraces() {}

    static Path trace(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path t = dir.resolve("traces").resolve(name + ".mrec.zst");
            if (Files.exists(t)) {
                return t;
            }
        }
        throw new IllegalStateException("traces/" + name + ".mrec.zst not found");
    }
}
