package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report in a real browser: headless Chromium (Debian's {@code chromium}, which
 * {@code .ci/run} installs) loads it from a file with no network, must log no error, and must
 * have drawn every chart and heap map: each drawing's rectangle in the screenshot holds coloured
 * pixels. Skipped, saying why, when Chromium is absent outside CI; under {@code CI=true} its
 * absence fails.
 */
class ReplayReportBrowserTest {
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 3600;
    private static Chromium chromium;

    @TempDir
    static Path tmp;

    private static Path report;

    @BeforeAll
    static void writeTheReport() throws IOException {
        chromium = Chromium.findOrSkip("the report's browser test");
        report = tmp.resolve("tar.html");
        ReplayResult r = ReplayEngine.replay(
                TraceFidelity.trace("tar"), ReplayOptions.of("glibc").withHeapMaps(true));
        ReplayReport.write(r, report, TraceFidelity.trace("tar"));
    }

    /** Runs headless Chromium on the report with extra arguments; returns {stdout, stderr}. */
    private static String[] chromium(String... args) throws IOException, InterruptedException {
        return chromiumAt(report.toUri().toString(), args);
    }

    /**
     * Runs headless Chromium on {@code url}; returns {stdout, stderr}. The virtual time budget lets
     * the page's asynchronous inflating of its data finish before the DOM is dumped.
     */
    private static String[] chromiumAt(String url, String... args) throws IOException, InterruptedException {
        String[] all = new String[args.length + 4];
        all[0] = "--enable-logging=stderr";
        all[1] = "--v=0";
        all[2] = "--virtual-time-budget=30000";
        all[3] = "--window-size=" + WIDTH + "," + HEIGHT;
        System.arraycopy(args, 0, all, 4, args.length);
        return chromium.run(tmp, url, all);
    }

    @Test
    void thePageRunsWithoutErrorsAndDrawsEveryChartAndHeapMap() throws Exception {
        String[] dom = chromium("--dump-dom");
        assertThat(dom[0]).as("the DOM after load").contains("data-drawn=\"yes\"");
        assertThat(dom[0]).contains("<pre id=\"errors\" hidden=\"\"></pre>");
        assertThat(consoleErrors(dom[1])).as("console errors").isEmpty();

        Matcher m = Pattern.compile("data-drawings=\"([^\"]*)\"").matcher(dom[0]);
        assertThat(m.find()).isTrue();
        String[] rects = m.group(1).split(";");
        assertThat(rects).as("5 charts and 2 heap maps").hasSize(7);

        Path png = tmp.resolve("tar.png");
        String[] shot = chromium("--screenshot=" + png);
        assertThat(consoleErrors(shot[1])).isEmpty();
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as("a PNG at " + png).isNotNull();
        for (String rect : rects) {
            String[] f = rect.split(",");
            int x = Integer.parseInt(f[0]);
            int y = Integer.parseInt(f[1]);
            int w = Integer.parseInt(f[2]);
            int h = Integer.parseInt(f[3]);
            assertThat(y + h).as("drawing %s lies inside the screenshot", rect).isLessThanOrEqualTo(img.getHeight());
            assertThat(colouredPixels(img, x, y, w, h))
                    .as("coloured pixels in drawing %s", rect)
                    .isGreaterThan(w / 4);
        }
    }

    /**
     * bash's 2.26 M calls: the page stays under 3 MB, and zoomed (through its URL fragment) to ten
     * calls in the middle it shows each call as a point of its own, with the live bytes the trace
     * gives after that call (summed here from the recorded calls, independently of the engine) and
     * the RSS within the engine's own timeline bucket.
     */
    @Test
    void bashsReportZoomsDownToSingleCallsWithTheirOwnValues() throws Exception {
        Path trace = TraceFidelity.trace("bash");
        ReplayResult r = ReplayEngine.replay(trace, ReplayOptions.of("glibc").withHeapMaps(true));
        Path page = tmp.resolve("bash.html");
        ReplayReport.write(r, page, trace);
        assertThat(Files.size(page)).as("bash's page").isLessThan(3_000_000L);

        String[] whole = chromiumAt(page.toUri().toString(), "--dump-dom");
        assertThat(whole[0]).contains("data-drawn=\"yes\"");
        assertThat(consoleErrors(whole[1])).isEmpty();
        Matcher ms = Pattern.compile("data-draw-ms=\"([0-9]+)\"").matcher(whole[0]);
        assertThat(ms.find()).isTrue();
        System.out.println(
                "bash's report: " + Files.size(page) + " bytes, drawn " + ms.group(1) + " ms after navigation");

        long lo = 1_234_567;
        long hi = lo + 9;
        String[] zoomed = chromiumAt(page.toUri() + "#calls=" + lo + "-" + hi, "--dump-dom");
        assertThat(consoleErrors(zoomed[1])).isEmpty();
        assertThat(zoomed[0]).contains("data-zoom=\"" + lo + "-" + hi + "\"");
        Matcher v = Pattern.compile("data-view=\"([^\"]*)\"").matcher(zoomed[0]);
        assertThat(v.find()).as("the zoomed view's points").isTrue();
        String view = v.group(1).replace("&quot;", "\"");
        long[] x = numbers(view, "x");
        long[][] live = pair(view, "live");
        long[][] rss = pair(view, "rss");
        long[] expectedLive = liveAfterEachCall(trace, (int) r.calls());
        Timeline t = r.profile().timeline();
        assertThat(x).hasSize(10);
        for (int i = 0; i < x.length; i++) {
            long call = lo + i;
            assertThat(x[i]).isEqualTo(call);
            assertThat(live[0][i]).as("live min at call %d", call).isEqualTo(live[1][i]);
            assertThat(live[0][i]).as("live bytes after call %d", call).isEqualTo(expectedLive[(int) call - 1]);
            assertThat(rss[0][i]).isEqualTo(rss[1][i]);
            int b = (int) ((call - 1) / t.width());
            assertThat(rss[0][i] / 4096)
                    .as("RSS pages after call %d", call)
                    .isBetween(t.min(Timeline.RSS, b), t.max(Timeline.RSS, b));
        }
    }

    /** The bytes asked for and not yet freed after each call, from the recorded calls alone. */
    private static long[] liveAfterEachCall(Path trace, int calls) throws IOException {
        long[] out = new long[calls];
        java.util.HashMap<Long, Long> sizes = new java.util.HashMap<>();
        long live = 0;
        int i = 0;
        try (org.mallocsim.traces.format.TraceReader in = org.mallocsim.traces.format.Traces.open(trace, false)) {
            org.mallocsim.traces.format.TraceEvent e = new org.mallocsim.traces.format.TraceEvent();
            while (in.next(e) && i < calls) {
                long asked;
                switch (e.op) {
                    case 'm':
                    case 'v':
                    case 'p':
                        asked = e.arg0;
                        break;
                    case 'c':
                        asked = e.arg0 * e.arg1;
                        break;
                    case 'a':
                        asked = e.arg1;
                        break;
                    case 'r':
                        asked = e.arg1;
                        if (e.result != 0 || e.arg1 == 0) {
                            Long old = sizes.remove(e.arg0);
                            live -= old == null ? 0 : old;
                        }
                        break;
                    case 'f': {
                        Long old = sizes.remove(e.arg0);
                        live -= old == null ? 0 : old;
                        out[i++] = live;
                        continue;
                    }
                    default:
                        continue; // thread events are not calls
                }
                if (e.result != 0) {
                    sizes.put(e.result, asked);
                    live += asked;
                }
                out[i++] = live;
            }
        }
        assertThat(i).isEqualTo(calls);
        return out;
    }

    private static long[] numbers(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\\[([-0-9.,]*)\\]").matcher(json);
        assertThat(m.find()).as(key + " in " + json).isTrue();
        return java.util.Arrays.stream(m.group(1).split(","))
                .mapToLong(Long::parseLong)
                .toArray();
    }

    private static long[][] pair(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\\[\\[([-0-9.,]*)\\],\\[([-0-9.,]*)\\]\\]")
                .matcher(json);
        assertThat(m.find()).as(key + " in " + json).isTrue();
        long[][] out = new long[2][];
        for (int k = 0; k < 2; k++) {
            out[k] = java.util.Arrays.stream(m.group(k + 1).split(","))
                    .mapToLong(Long::parseLong)
                    .toArray();
        }
        return out;
    }

    /** Pixels whose channels differ by more than 60: series and chunks, not white, grid or text. */
    static int colouredPixels(BufferedImage img, int x, int y, int w, int h) {
        int n = 0;
        for (int j = Math.max(0, y); j < Math.min(img.getHeight(), y + h); j++) {
            for (int i = Math.max(0, x); i < Math.min(img.getWidth(), x + w); i++) {
                int rgb = img.getRGB(i, j);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Chromium's console lines about the page that report an error (its own dbus noise is not the page's). */
    static List<String> consoleErrors(String stderr) {
        List<String> errors = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            if (line.contains(":CONSOLE(")
                            && (line.contains("ERROR") || line.contains("Uncaught") || line.contains("rror"))
                    || line.contains("Uncaught")) {
                errors.add(line);
            }
        }
        return errors;
    }
}
