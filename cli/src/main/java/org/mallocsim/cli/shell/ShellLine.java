package org.mallocsim.cli.shell;

import java.util.Map;

/**
 * One line of the shell being read: a cursor over its text, the lexing (names, punctuation, the
 * end of the line) and the expressions of its arguments (numbers, {@code NULL}, constants,
 * variables, {@code + - | & ^ << >>} left to right). A line that does not parse throws a
 * {@link ParseError} whose message says what was expected.
 */
final class ShellLine {
    private final String s;
    private final Map<String, Long> vars;
    private int p;

    /** The line {@code s} (comment stripped), reading variables from {@code vars}. */
    ShellLine(String s, Map<String, Long> vars) {
        this.s = s;
        this.vars = vars;
    }

    /** Whether anything but white space is left. */
    boolean more() {
        return p < s.length();
    }

    /** The next character, or {@code '\0'} at the end. */
    char peek() {
        return p < s.length() ? s.charAt(p) : '\0';
    }

    /** Consumes {@code c} when it is the next character; says whether it was. */
    boolean accept(char c) {
        if (peek() == c) {
            p++;
            return true;
        }
        return false;
    }

    void skipSpace() {
        while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
            p++;
        }
    }

    /** An identifier; {@code what} names it in the error when there is none. */
    String name(String what) {
        skipSpace();
        int start = p;
        while (p < s.length() && (Character.isLetterOrDigit(s.charAt(p)) || s.charAt(p) == '_')) {
            p++;
        }
        if (p == start || Character.isDigit(s.charAt(start))) {
            throw new ParseError("expected " + what);
        }
        return s.substring(start, p);
    }

    void expect(char c) {
        skipSpace();
        if (peek() != c) {
            throw new ParseError("expected '" + c + "'");
        }
        p++;
    }

    void end() {
        skipSpace();
        if (p < s.length()) {
            throw new ParseError("expected the end of the line, found '" + s.substring(p) + "'");
        }
    }

    /** A field name as the whole argument (an identifier that is not a variable), consumed; else null. */
    String fieldName() {
        int at = p;
        try {
            String n = name("a field");
            skipSpace();
            if (peek() == ')' && !vars.containsKey(n) && Character.isUpperCase(n.charAt(0))) {
                return n;
            }
        } catch (ParseError e) {
            // not a name: an expression
        }
        p = at;
        return null;
    }

    /** Argument number {@code argument}: terms joined left to right, no precedence. */
    long expr(int argument) {
        skipSpace();
        boolean negate = peek() == '-';
        if (negate) {
            p++;
        }
        long v = term(argument);
        if (negate) {
            v = -v;
        }
        while (true) {
            skipSpace();
            char op = peek();
            boolean shift = (op == '<' || op == '>') && p + 1 < s.length() && s.charAt(p + 1) == op;
            if (op != '+' && op != '-' && op != '|' && op != '&' && op != '^' && !shift) {
                return v;
            }
            p += shift ? 2 : 1;
            long t = term(argument);
            v = op == '+'
                    ? v + t
                    : op == '-'
                            ? v - t
                            : op == '|' ? v | t : op == '&' ? v & t : op == '^' ? v ^ t : op == '<' ? v << t : v >>> t;
        }
    }

    private long term(int argument) {
        skipSpace();
        char c = peek();
        if (c >= '0' && c <= '9') {
            int start = p;
            boolean hexadecimal = c == '0' && p + 1 < s.length() && (s.charAt(p + 1) == 'x' || s.charAt(p + 1) == 'X');
            p += hexadecimal ? 2 : 0;
            int digits = p;
            while (p < s.length() && Character.digit(s.charAt(p), hexadecimal ? 16 : 10) >= 0) {
                p++;
            }
            try {
                return hexadecimal
                        ? Long.parseUnsignedLong(s.substring(digits, p), 16)
                        : Long.parseUnsignedLong(s.substring(start, p));
            } catch (NumberFormatException e) {
                throw new ParseError("expected a number of at most 64 bits in argument " + argument);
            }
        }
        if (Character.isLetter(c) || c == '_') {
            String n = name("a name");
            if (n.equals("NULL")) {
                return 0;
            }
            Long v = Flags.BY_NAME.get(n);
            if (v == null) {
                v = Allocation.MALLOPT.get(n);
            }
            if (v == null) {
                v = vars.get(n);
            }
            if (v == null) {
                throw new ParseError("'" + n + "' in argument " + argument + " is neither a constant nor a variable");
            }
            return v;
        }
        throw new ParseError("expected a number, NULL, a constant or a variable in argument " + argument);
    }

    /** A line that does not parse; the message says what was expected. */
    static final class ParseError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ParseError(String message) {
            super(message, null, false, false);
        }
    }
}
