package org.accountpurge.store.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import javax.sql.DataSource;
import org.accountpurge.store.Savepoints;
import org.accountpurge.store.StoreException;
import org.springframework.jdbc.datasource.DataSourceUtils;

/** JDBC savepoints on the connection of the current (the chunk's) transaction. */
public final class JdbcSavepoints implements Savepoints {

    private final DataSource dataSource;

    public JdbcSavepoints(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    private record JdbcMark(Savepoint savepoint) implements Mark {
    }

    @Override
    public Mark mark() {
        try {
            return new JdbcMark(connection().setSavepoint());
        } catch (SQLException e) {
            throw new StoreException(PostgresAccounts.STORE, "cannot set a savepoint: " + e.getSQLState(), e,
                    e.getClass().getSimpleName() + " " + e.getSQLState());
        }
    }

    @Override
    public void rollbackTo(Mark mark) {
        try {
            connection().rollback(((JdbcMark) mark).savepoint());
        } catch (SQLException e) {
            throw new StoreException(PostgresAccounts.STORE, "cannot roll back to a savepoint: " + e.getSQLState(), e,
                    e.getClass().getSimpleName() + " " + e.getSQLState());
        }
    }

    private Connection connection() {
        return DataSourceUtils.getConnection(dataSource); // the transaction's connection: not to be closed here
    }
}
