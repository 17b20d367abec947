package org.accountpurge.candidate;

import java.util.Locale;
import java.util.Map;
import org.springframework.batch.infrastructure.item.ItemProcessor;

/** Checks the kind and the id of a row and normalises them; a bad row is kept, with the reason it is rejected. */
public class CandidateScreen implements ItemProcessor<InputRow, InputRow> {

    private final Map<String, IdFormat> formatByKind;

    public CandidateScreen(Map<String, IdFormat> formatByKind) {
        this.formatByKind = Map.copyOf(formatByKind);
    }

    @Override
    public InputRow process(InputRow row) {
        if (row.isRejected()) {
            return row;
        }
        String kind = row.kind() == null ? "" : row.kind().strip().toLowerCase(Locale.ROOT);
        IdFormat format = formatByKind.get(kind);
        if (format == null) {
            return InputRow.rejected(row.rowNo(), "unknown kind (expected " + String.join(" or ",
                    formatByKind.keySet().stream().sorted().toList()) + ")");
        }
        if (row.accountId() == null || row.accountId().isBlank()) {
            return InputRow.rejected(row.rowNo(), "missing id");
        }
        String id = format.normalise(row.accountId());
        if (id == null) {
            return InputRow.rejected(row.rowNo(), "malformed " + kind + " id (expected a " + format.describe() + ")");
        }
        return new InputRow(row.rowNo(), kind, id, null);
    }
}
