package org.accountpurge.graph;

/** The table whose rows are the accounts of one kind (users, orgs), and its id column. */
public record RootTable(String kind, String table, String idColumn) {
}
