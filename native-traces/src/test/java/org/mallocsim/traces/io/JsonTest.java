package org.mallocsim.traces.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void stringLiteralEscapesQuoteBackslashAndEveryControlCharacter() {
        assertThat(Json.str("a\"b\\c\nd\re\tf\u0001g\u001f")).isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001f\"");
    }

    @Test
    void nullStringIsJsonNull() {
        assertThat(Json.str(null)).isEqualTo("null");
    }

    @Test
    void objectKeepsTheOrderOfItsFieldsOnOneLine() {
        String o = new Json.Obj()
                .put("file", "a \"b\".mrec")
                .put("calls", 1000L)
                .put("ok", true)
                .put("ratio", 1.23456, 2)
                .raw("list", Json.array(List.of("1", Json.str("x"))))
                .toString();
        assertThat(o)
                .isEqualTo(
                        "{\"file\":\"a \\\"b\\\".mrec\",\"calls\":1000,\"ok\":true,\"ratio\":1.23,\"list\":[1,\"x\"]}");
    }

    @Test
    void emptyObjectAndArray() {
        assertThat(new Json.Obj().toString()).isEqualTo("{}");
        assertThat(Json.array(List.of())).isEqualTo("[]");
    }
}
