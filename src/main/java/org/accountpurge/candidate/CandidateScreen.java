package org.accountpurge.candidate;

import org.accountpurge.account.IdFormat;
import org.accountpurge.account.AccountKind;
import java.util.Map;
import org.springframework.batch.infrastructure.item.ItemProcessor;

/** Checks the kind and the id of a row and normalises them; a bad row is kept, with the reason it is rejected. */
public class CandidateScreen implements ItemProcessor<InputRow, InputRow> {

    private final Map<AccountKind, IdFormat> formatByKind;

    /** @param formatByKind the id format of each kind this tenant has; rows of any other kind are rejected */
    public CandidateScreen(Map<AccountKind, IdFormat> formatByKind) {
        this.formatByKind = Map.copyOf(formatByKind);
    }

    @Override
    public InputRow process(InputRow row) {
        if (row.isRejected()) {
            return row;
        }
        AccountKind kind = AccountKind.parse(row.kind());
        IdFormat format = kind == null ? null : formatByKind.get(kind);
        if (format == null) {
            return InputRow.rejected(row.rowNo(), "unknown kind (expected " + String.join(" or ",
                    formatByKind.keySet().stream().sorted().map(AccountKind::code).toList()) + ")");
        }
        if (row.accountId() == null || row.accountId().isBlank()) {
            return InputRow.rejected(row.rowNo(), "missing id");
        }
        String id = format.normalise(row.accountId());
        if (id == null) {
            return InputRow.rejected(row.rowNo(), "malformed " + kind + " id (expected a " + format.describe() + ")");
        }
        return new InputRow(row.rowNo(), kind.code(), id, null);
    }
}
