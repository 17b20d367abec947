package org.accountpurge.candidate;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines ending in LF, CRLF or CR, drops a leading byte-order mark, and never holds more than
 * {@code maxChars} of a line: a longer line is skipped to its end and reported as too long, so a huge or
 * newline-less file cannot exhaust memory.
 */
final class LineReader implements Closeable {

    /** A line's text (null when it was too long) and its 1-based number. */
    record Line(long number, String text) {
        boolean tooLong() {
            return text == null;
        }
    }

    private final Reader in;
    private final int maxChars;
    private final char[] buffer = new char[8192];
    private int pos;
    private int end;
    private long number;
    private boolean pendingLf;

    LineReader(Reader in, int maxChars) {
        this.in = in;
        this.maxChars = maxChars;
    }

    /** The next line, or null at the end of the input. */
    Line next() throws IOException {
        StringBuilder text = new StringBuilder();
        boolean tooLong = false;
        boolean any = false;
        while (true) {
            if (pos == end) {
                end = in.read(buffer);
                pos = 0;
                if (end <= 0) {
                    end = 0;
                    return any ? finish(text, tooLong) : null;
                }
            }
            char c = buffer[pos++];
            if (pendingLf) {
                pendingLf = false;
                if (c == '\n') {
                    continue;
                }
            }
            if (number == 0 && !any && c == '\uFEFF') {
                continue;
            }
            any = true;
            if (c == '\n') {
                return finish(text, tooLong);
            }
            if (c == '\r') {
                pendingLf = true;
                return finish(text, tooLong);
            }
            if (!tooLong) {
                if (text.length() >= maxChars) {
                    tooLong = true;
                    text.setLength(0);
                } else {
                    text.append(c);
                }
            }
        }
    }

    private Line finish(StringBuilder text, boolean tooLong) {
        number++;
        return new Line(number, tooLong ? null : text.toString());
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
