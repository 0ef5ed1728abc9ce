package org.mallocsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

    @Test
    void demoReproducesGrepsFirstBreakAndShowsTheFaultAndTheZeroPage() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            code = Main.run("demo");
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(out)
                .contains("brk(0x55dd085cd000) = 0x55dd085cd000")
                .contains("was 0x55dd085cd000 -- the same.")
                .contains("55dd085ac000-55dd085cd000 rw-p 00000000 00:00 0                          [heap]")
                .contains("minor faults 0 -> 1, RssAnon 0 kB -> 4 kB")
                .containsPattern("PTE\\[[ 0-9]+\\] = 0x[0-9a-f]+ -> frame 0x0 present user accessed special")
                .contains("checked consistent");
    }
}
