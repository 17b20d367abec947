package org.accountpurge.candidate;

import org.accountpurge.account.AccountKind;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/** The selection's candidates, page by page, kind after kind; a restart goes on after the last committed id. */
class SelectionReaderTest {

    /** A selection over a sorted list, answering pages by keyset as the database would; it counts its pages. */
    static final class Sorted implements SelectionReader.Pages {
        final List<String> ids;
        final List<String> asked = new ArrayList<>();

        Sorted(String... ids) {
            this.ids = List.of(ids);
        }

        @Override
        public List<String> page(String after, int limit) {
            asked.add(after);
            return ids.stream().filter(id -> after == null || id.compareTo(after) > 0).sorted().limit(limit).toList();
        }
    }

    @Test
    void everyKindIsReadInIdOrderOncePerIdAcrossPages() throws Exception {
        // given users selected twice by a join (repeats within a page and at its end), and orgs
        Sorted users = new Sorted("u1", "u2", "u2", "u3", "u4", "u4", "u5");
        Sorted orgs = new Sorted("o1", "o2");
        SelectionReader reader = reader(users, orgs, 3);
        reader.open(new ExecutionContext());

        // when it is read to the end
        List<String> read = readAll(reader);

        // then each id comes once, users first, numbered in order; pages asked by keyset, never by offset
        assertThat(read).containsExactly("user u1", "user u2", "user u3", "user u4", "user u5", "org o1", "org o2");
        assertThat(users.asked).containsExactly(null, "u2", "u4");
    }

    @Test
    void aRestartGoesOnAfterTheLastSavedPosition() throws Exception {
        // given a reader that handed out three users and saved its position with the chunk
        Sorted users = new Sorted("u1", "u2", "u3", "u4", "u5");
        Sorted orgs = new Sorted("o1");
        SelectionReader first = reader(users, orgs);
        ExecutionContext context = new ExecutionContext();
        first.open(context);
        first.read();
        first.read();
        first.read();
        first.update(context);
        first.read(); // read but never committed: the process died

        // when the step is restarted with the saved context
        SelectionReader again = reader(users, orgs);
        again.open(context);

        // then it goes on after u3, and its row numbers go on too
        assertThat(readAll(again)).containsExactly("user u4", "user u5", "org o1");
        assertThat(again.read()).isNull();
    }

    @Test
    void anEmptySelectionReadsNothing() throws Exception {
        SelectionReader reader = reader(new Sorted(), new Sorted());
        reader.open(new ExecutionContext());
        assertThat(reader.read()).isNull();
    }

    static SelectionReader reader(Sorted users, Sorted orgs) {
        return reader(users, orgs, 2);
    }

    static SelectionReader reader(Sorted users, Sorted orgs, int pageSize) {
        Map<AccountKind, SelectionReader.Pages> pages = new LinkedHashMap<>();
        pages.put(AccountKind.USER, users);
        pages.put(AccountKind.ORG, orgs);
        return new SelectionReader(pages, pageSize);
    }

    static List<String> readAll(SelectionReader reader) throws Exception {
        List<String> read = new ArrayList<>();
        TreeSet<Long> rows = new TreeSet<>();
        for (InputRow row = reader.read(); row != null; row = reader.read()) {
            read.add(row.kind() + " " + row.accountId());
            assertThat(rows.add(row.rowNo())).as("row numbers are unique").isTrue();
        }
        return read;
    }
}
