package org.accountpurge.candidate;

import org.accountpurge.account.AccountKind;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * The candidates of an inactivity selection, kind after kind, page by page in id order. Its position (the kind and
 * the last id handed out) is saved with each chunk, so a restarted {@code loadCandidates} goes on after the last
 * committed id instead of selecting again from the start.
 */
public class SelectionReader implements ItemStreamReader<InputRow> {

    /** One page of a kind's selection: ids after {@code after} (null: from the start), in id order, repeats adjacent. */
    public interface Pages {
        List<String> page(String after, int limit);
    }

    private static final String KIND = "selection.kind";
    private static final String AFTER = "selection.after";
    private static final String ROW = "selection.row";

    private final List<Map.Entry<AccountKind, Pages>> kinds;
    private final int pageSize;
    private final Deque<String> page = new ArrayDeque<>();
    private int kindIndex;
    private String after;
    private boolean exhausted;
    private long row;

    public SelectionReader(Map<AccountKind, Pages> pagesByKind, int pageSize) {
        this.kinds = List.copyOf(new LinkedHashMap<>(pagesByKind).entrySet());
        this.pageSize = pageSize;
    }

    @Override
    public void open(ExecutionContext context) {
        kindIndex = context.getInt(KIND, 0);
        after = context.containsKey(AFTER) ? context.getString(AFTER) : null;
        row = context.getLong(ROW, 0);
        page.clear();
        exhausted = false;
    }

    @Override
    public InputRow read() {
        while (kindIndex < kinds.size()) {
            if (page.isEmpty() && !exhausted) {
                List<String> ids = kinds.get(kindIndex).getValue().page(after, pageSize);
                page.addAll(ids);
                exhausted = ids.size() < pageSize;
            }
            String id = page.poll();
            if (id != null && id.equals(after)) {
                continue; // the query selected it twice (a join): the page is in id order, so repeats are adjacent
            }
            if (id != null) {
                after = id;
                row++;
                return new InputRow(row, kinds.get(kindIndex).getKey().code(), id, null);
            }
            kindIndex++;
            after = null;
            exhausted = false;
        }
        return null;
    }

    @Override
    public void update(ExecutionContext context) {
        context.putInt(KIND, kindIndex);
        if (after == null) {
            context.remove(AFTER);
        } else {
            context.putString(AFTER, after);
        }
        context.putLong(ROW, row);
    }
}
