package org.accountpurge.graph;

import java.util.List;

/** The foreign keys and the rules cannot give a safe plan; nothing may be deleted. */
public class PlanException extends RuntimeException {
    private final List<String> problems;

    public PlanException(String kind, List<String> problems) {
        super("Cannot plan the purge of " + kind + " accounts:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
