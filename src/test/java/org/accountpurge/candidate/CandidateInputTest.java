package org.accountpurge.candidate;

import org.accountpurge.account.IdFormat;
import org.accountpurge.account.AccountKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;

/** Reading and screening candidate CSV rows, without any store. */
class CandidateInputTest {

    @TempDir
    Path dir;

    @Test
    void linesEndInLfCrlfOrCrAndALeadingBomIsDropped() throws Exception {
        LineReader lines = new LineReader(new StringReader("\uFEFFa,b\r\nc\rd\n\ne"), 100);
        List<String> texts = new ArrayList<>();
        for (LineReader.Line l = lines.next(); l != null; l = lines.next()) {
            texts.add(l.number() + ":" + l.text());
        }
        assertThat(texts).containsExactly("1:a,b", "2:c", "3:d", "4:", "5:e");
    }

    @Test
    void aLineLongerThanTheLimitIsSkippedNotHeld() throws Exception {
        LineReader lines = new LineReader(new StringReader("x".repeat(1000) + "\nok\n"), 10);
        assertThat(lines.next().tooLong()).isTrue();
        assertThat(lines.next().text()).isEqualTo("ok");
        assertThat(lines.next()).isNull();
    }

    @Test
    void idsAreCheckedAndNormalisedForTheirColumnType() {
        assertThat(new IdFormat("uuid").normalise(" 0F1F575C-E149-4EDE-879B-4F3BE9AAAF35 "))
                .isEqualTo("0f1f575c-e149-4ede-879b-4f3be9aaaf35");
        assertThat(new IdFormat("uuid").normalise("0f1f575c-e149-4ede-879b-4f3be9aaaf3")).isNull();
        assertThat(new IdFormat("uuid").normalise("'; DROP TABLE users; --")).isNull();
        assertThat(new IdFormat("bigint").normalise("007")).isEqualTo("7");
        assertThat(new IdFormat("integer").normalise("99999999999")).isNull();
        // bigint ids of 19 digits (snowflake ids) are ids; beyond bigint they are not; ids may be negative
        assertThat(new IdFormat("bigint").normalise("1541815603606036480")).isEqualTo("1541815603606036480");
        assertThat(new IdFormat("bigint").normalise("9223372036854775808")).isNull();
        assertThat(new IdFormat("integer").normalise("-0042")).isEqualTo("-42");
        assertThat(new IdFormat("smallint").normalise("32768")).isNull();
        assertThat(new IdFormat("text").normalise("user@example")).isEqualTo("user@example");
        assertThat(new IdFormat("text").normalise("a b")).isNull();
        assertThat(new IdFormat("text").normalise("first+tag@example.org")).isEqualTo("first+tag@example.org");
        // no longer than the column holds: a cast would cut it to another account's id
        assertThat(new IdFormat("character varying(5)").normalise("abcde")).isEqualTo("abcde");
        assertThat(new IdFormat("character varying(5)").normalise("abcdef")).isNull();
        assertThat(new IdFormat("character(3)").normalise("abcd")).isNull();
        // numeric ids are whole numbers: a cast to numeric(5,0) would round 12.7 to 13
        assertThat(new IdFormat("numeric(20,0)").normalise("00123")).isEqualTo("123");
        assertThat(new IdFormat("numeric(20,0)").normalise("12.7")).isNull();
        assertThat(org.accountpurge.store.postgres.ForeignKeyCatalog.castType("character varying(36)"))
                .isEqualTo("character varying");
        assertThat(org.accountpurge.store.postgres.ForeignKeyCatalog.castType("character(3)")).isEqualTo("bpchar");
        assertThat(org.accountpurge.store.postgres.ForeignKeyCatalog.castType("numeric(5,0)")).isEqualTo("numeric");
        assertThat(org.accountpurge.store.postgres.ForeignKeyCatalog.castType("uuid")).isEqualTo("uuid");
    }

    @Test
    void uuidsAreScreenedAsARegexAndUuidFromStringWould() {
        // random near-uuids: hex digits of both cases, hyphens anywhere, characters that only look like digits
        java.util.regex.Pattern uuid = java.util.regex.Pattern.compile(
                "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
        String alphabet = "0123456789abcdefABCDEFgG-\u0660\uFF10 ";
        java.util.Random random = new java.util.Random(7);
        for (int n = 0; n < 200_000; n++) {
            StringBuilder id = new StringBuilder();
            int length = 34 + random.nextInt(5);
            for (int i = 0; i < length; i++) {
                boolean hyphen = (i == 8 || i == 13 || i == 18 || i == 23) && random.nextInt(50) > 0;
                id.append(hyphen ? '-' : alphabet.charAt(random.nextInt(random.nextInt(20) > 0 ? 22 : alphabet.length())));
            }
            String text = id.toString();
            String expected = uuid.matcher(text).matches() ? java.util.UUID.fromString(text).toString() : null;
            assertThat(IdFormat.canonicalUuid(text)).as(text).isEqualTo(expected);
        }
    }

    @Test
    void lineFieldsAreReadAsAnRfc4180ParserReadsThem() throws Exception {
        // random lines of commas, spaces, tabs, quotes and text (a quoted line goes through the parser itself)
        String alphabet = "ab, \t;\"x\u00e9";
        java.util.Random random = new java.util.Random(11);
        StringBuilder csv = new StringBuilder("kind,account_id,note\n");
        List<String> lines = new ArrayList<>();
        for (int n = 0; n < 20_000; n++) {
            StringBuilder line = new StringBuilder();
            int length = 1 + random.nextInt(12);
            for (int i = 0; i < length; i++) {
                line.append(alphabet.charAt(random.nextInt(random.nextInt(10) > 0 ? 7 : alphabet.length())));
            }
            lines.add(line.toString());
            csv.append(line).append('\n');
        }
        Path file = Files.writeString(dir.resolve("random.csv"), csv, StandardCharsets.UTF_8);
        CsvCandidateReader reader = new CsvCandidateReader(file, CsvCandidateReader.sha256(file), "account_id", "kind",
                100);
        reader.open(new ExecutionContext());
        for (String line : lines) {
            InputRow row = reader.read();
            if (line.isBlank() || line.chars().filter(c -> c == '"').count() % 2 != 0) {
                assertThat(row.isRejected()).as(line).isTrue();
                continue;
            }
            com.opencsv.ICSVParser parser = new com.opencsv.RFC4180ParserBuilder().build();
            String[] fields = parser.parseLine(line);
            if (parser.isPending()) {
                assertThat(row.isRejected()).as(line).isTrue();
            } else if (fields.length < 2) {
                assertThat(row.rejection()).as(line).isEqualTo("fewer columns than the header");
            } else {
                assertThat(row).as(line).isEqualTo(new InputRow(row.rowNo(), fields[0], fields[1], null));
            }
        }
        assertThat(reader.read()).isNull();
        reader.close();
    }

    @Test
    void screeningRejectsUnknownKindsAndBadIdsWithoutQuotingThem() {
        CandidateScreen screen = new CandidateScreen(Map.of(AccountKind.USER, new IdFormat("uuid"), AccountKind.ORG, new IdFormat("bigint")));
        assertThat(screen.process(new InputRow(2, " User ", "0F1F575C-E149-4EDE-879B-4F3BE9AAAF35", null)))
                .isEqualTo(new InputRow(2, "user", "0f1f575c-e149-4ede-879b-4f3be9aaaf35", null));
        assertThat(screen.process(new InputRow(3, "org", "12", null))).isEqualTo(new InputRow(3, "org", "12", null));
        assertThat(screen.process(new InputRow(4, "team", "12", null)).rejection())
                .isEqualTo("unknown kind (expected user or org)");
        assertThat(screen.process(new InputRow(5, "user", "jane.doe@example.org", null)).rejection())
                .isEqualTo("malformed user id (expected a uuid)");
        assertThat(screen.process(new InputRow(6, "user", " ", null)).rejection()).isEqualTo("missing id");
    }

    @Test
    void theReaderNeedsTheHeaderColumnsAndTheSameFile() throws Exception {
        Path file = Files.writeString(dir.resolve("in.csv"), "id,type\n1,user\n", StandardCharsets.UTF_8);
        CsvCandidateReader wrongHeader = new CsvCandidateReader(file, CsvCandidateReader.sha256(file), "account_id", "kind", 100);
        assertThatThrownBy(() -> wrongHeader.open(new ExecutionContext())).isInstanceOf(ItemStreamException.class)
                .hasStackTraceContaining("must name the columns account_id and kind");
        CsvCandidateReader changed = new CsvCandidateReader(file, "0".repeat(64), "id", "type", 100);
        assertThatThrownBy(() -> changed.open(new ExecutionContext())).hasStackTraceContaining("changed since this run started");
    }

    @Test
    void aRestartedReaderContinuesAfterTheCommittedRows() throws Exception {
        Path file = Files.writeString(dir.resolve("in.csv"), "kind,account_id\nuser,1\nuser,2\nuser,3\n");
        String sha = CsvCandidateReader.sha256(file);
        CsvCandidateReader first = new CsvCandidateReader(file, sha, "account_id", "kind", 100);
        ExecutionContext context = new ExecutionContext();
        first.open(context);
        first.read();
        first.update(context);
        first.close();
        CsvCandidateReader restarted = new CsvCandidateReader(file, sha, "account_id", "kind", 100);
        restarted.open(context);
        assertThat(restarted.read()).isEqualTo(new InputRow(3, "user", "2", null));
        restarted.close();
    }
}
