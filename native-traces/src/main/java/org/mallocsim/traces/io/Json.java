package org.mallocsim.traces.io;

import java.util.Locale;

/**
 * The one JSON writer every mallocsim command's {@code --json} goes through: string literals
 * escaped as RFC 8259, section 7 asks (quote, backslash and every control character), and a small
 * one-line object builder for the commands whose summary is a handful of fields. Numbers and
 * booleans are written as Java prints them; nested values are passed in already rendered.
 *
 * <pre>{@code
 * String line = new Json.Obj().put("file", "t.mrec").put("calls", 1000).put("ok", true).toString();
 * // {"file":"t.mrec","calls":1000,"ok":true}
 * }</pre>
 */
public final class Json {
    private Json() {}

    /** {@code s} as a JSON string literal, quotes included; {@code null} as {@code null}. */
    public static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** A JSON array of already rendered values, on one line. */
    public static String array(Iterable<String> renderedValues) {
        StringBuilder sb = new StringBuilder("[");
        for (String v : renderedValues) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(v);
        }
        return sb.append(']').toString();
    }

    /** A JSON object written field by field, in the order put, on one line. */
    public static final class Obj {
        private final StringBuilder sb = new StringBuilder("{");

        /** A string field; a {@code null} value is written as {@code null}. */
        public Obj put(String key, String value) {
            return raw(key, str(value));
        }

        /** A whole-number field. */
        public Obj put(String key, long value) {
            return raw(key, Long.toString(value));
        }

        /** A boolean field. */
        public Obj put(String key, boolean value) {
            return raw(key, Boolean.toString(value));
        }

        /** A fractional field with {@code decimals} places, as {@code %.Nf} prints it. */
        public Obj put(String key, double value, int decimals) {
            return raw(key, String.format(Locale.ROOT, "%." + decimals + "f", value));
        }

        /** A field whose value is already JSON (an object, array, number or {@code null}). */
        public Obj raw(String key, String renderedValue) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(str(key)).append(':').append(renderedValue);
            return this;
        }

        /** The object, closed. */
        @Override
        public String toString() {
            return sb + "}";
        }
    }
}
