package org.accountpurge.candidate;

import com.opencsv.ICSVParser;
import com.opencsv.RFC4180ParserBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.support.AbstractItemCountingItemStreamItemReader;

/**
 * Reads the candidate CSV: a header row naming the id and kind columns (any other columns are ignored), then one
 * account per line. Every line after the header becomes one {@link InputRow}, rejected with a reason when it
 * cannot be read; a restart skips the lines already committed. The file must still be the one the run started
 * with (same SHA-256).
 */
public class CsvCandidateReader extends AbstractItemCountingItemStreamItemReader<InputRow> {

    private final Path file;
    private final String expectedSha256;
    private final String idColumn;
    private final String kindColumn;
    private final int maxLineLength;
    private LineReader lines;
    private int idIndex;
    private int kindIndex;

    public CsvCandidateReader(Path file, String expectedSha256, String idColumn, String kindColumn, int maxLineLength) {
        this.file = file;
        this.expectedSha256 = expectedSha256;
        this.idColumn = idColumn;
        this.kindColumn = kindColumn;
        this.maxLineLength = maxLineLength;
        setName("candidateCsvReader");
    }

    /** SHA-256 of a file, hex. */
    public static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new InputFileException("Cannot read input file " + file + ": " + e.getClass().getSimpleName(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void doOpen() throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new InputFileException("Input file " + file + " does not exist or is not a file");
        }
        if (!sha256(file).equals(expectedSha256)) {
            throw new InputFileException("Input file " + file + " changed since this run started (SHA-256 differs);"
                    + " start a new run for the new file");
        }
        lines = new LineReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8), maxLineLength);
        int[] columns = header(file, lines, idColumn, kindColumn);
        idIndex = columns[0];
        kindIndex = columns[1];
    }

    /**
     * Checks the file's header row before a run is created (the command line does, so that a file that can never be
     * read is refused, exit 2, and no execution is left FAILED): it must be UTF-8 (or ASCII) and comma-separated, and
     * name the id and kind columns. Throws {@link InputFileException} saying what is wrong (never quoting the file).
     */
    public static void checkHeader(Path file, String idColumn, String kindColumn, int maxLineLength) {
        if (Files.isDirectory(file)) {
            throw new InputFileException("Input " + file + " is a directory, not a file");
        }
        try (InputStream raw = Files.newInputStream(file)) {
            byte[] start = raw.readNBytes(4096);
            if (start.length >= 2 && ((start[0] == (byte) 0xFF && start[1] == (byte) 0xFE)
                    || (start[0] == (byte) 0xFE && start[1] == (byte) 0xFF))) {
                throw new InputFileException("Input file " + file + " is UTF-16 (it starts with a UTF-16 byte-order"
                        + " mark): save it as UTF-8");
            }
            for (byte b : start) {
                if (b == 0) {
                    throw new InputFileException("Input file " + file + " holds NUL bytes (UTF-16 or binary): it must"
                            + " be a UTF-8 CSV");
                }
            }
        } catch (IOException e) {
            throw new InputFileException("Cannot read input file " + file + ": " + e.getClass().getSimpleName(), e);
        }
        try (LineReader lines = new LineReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8), maxLineLength)) {
            header(file, lines, idColumn, kindColumn);
        } catch (IOException e) {
            throw new InputFileException("Cannot read input file " + file + ": " + e.getClass().getSimpleName(), e);
        }
    }

    /** Reads the header row: the indexes of the id and kind columns. */
    private static int[] header(Path file, LineReader lines, String idColumn, String kindColumn) throws IOException {
        LineReader.Line header = lines.next();
        if (header == null) {
            throw new InputFileException("Input file " + file + " is empty: expected a header row with columns "
                    + idColumn + " and " + kindColumn);
        }
        String[] names;
        try {
            names = header.tooLong() ? new String[0] : parse(header.text());
        } catch (IOException e) {
            names = new String[0];
        }
        int id = indexOf(names, idColumn);
        int kind = indexOf(names, kindColumn);
        if (id < 0 || kind < 0) {
            String text = header.tooLong() ? "" : header.text();
            String hint = text.isBlank() ? " (line 1 is blank)"
                    : names.length == 1 && (text.contains(";") || text.contains("\t")) ? " (line 1 has no comma but "
                    + (text.contains(";") ? "semicolons" : "tabs") + ": the file must be comma-separated)"
                    : header.tooLong() ? " (line 1 is too long)" : "";
            throw new InputFileException("Input file " + file + ": the header row (line 1) must name the columns "
                    + idColumn + " and " + kindColumn + " (purge.input.id-column, purge.input.kind-column)" + hint);
        }
        return new int[] {id, kind};
    }

    @Override
    protected InputRow doRead() throws Exception {
        LineReader.Line line = lines.next();
        if (line == null) {
            return null;
        }
        if (line.tooLong()) {
            return InputRow.rejected(line.number(), "line longer than " + maxLineLength + " characters");
        }
        if (line.text().isBlank()) {
            return InputRow.rejected(line.number(), "blank line");
        }
        String[] fields;
        try {
            fields = parse(line.text());
        } catch (IOException e) {
            return InputRow.rejected(line.number(), "malformed CSV (unbalanced quotes)");
        }
        if (fields.length <= Math.max(idIndex, kindIndex)) {
            return InputRow.rejected(line.number(), "fewer columns than the header");
        }
        return new InputRow(line.number(), fields[kindIndex], fields[idIndex], null);
    }

    private static String[] parse(String line) throws IOException {
        if (line.indexOf('"') < 0) { // nothing quoted (nearly every line): the fields are what lies between the commas
            return line.split(",", -1);
        }
        if (line.chars().filter(c -> c == '"').count() % 2 != 0) { // RFC 4180 doubles quotes inside quoted fields
            throw new IOException("unbalanced quotes");
        }
        ICSVParser parser = new RFC4180ParserBuilder().build(); // fresh: a pending quote must not spill into the next line
        String[] fields = parser.parseLine(line);
        if (parser.isPending()) {
            throw new IOException("unterminated quoted field");
        }
        return fields;
    }

    private static int indexOf(String[] names, String column) {
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null && names[i].trim().toLowerCase(Locale.ROOT).equals(column.toLowerCase(Locale.ROOT))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    protected void doClose() throws Exception {
        if (lines != null) {
            lines.close();
            lines = null;
        }
    }

    /** The input file cannot be used for this run; the message says why (never quoting its content). */
    public static class InputFileException extends ItemStreamException {
        public InputFileException(String message) {
            super(message);
        }

        public InputFileException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
