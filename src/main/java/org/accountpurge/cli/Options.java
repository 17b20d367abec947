package org.accountpurge.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options several commands share, each declared once. */
final class Options {

    private Options() {
    }

    /** {@code --config FILE}: every command reads the tenant's job configuration. */
    static final class Config {
        @Option(names = "--config", required = true, paramLabel = "FILE",
                description = "The job configuration (YAML); its $${PURGE_*} placeholders come from the environment.")
        Path file;
    }

    /** {@code --execution ID}: the job execution a command is about (see {@code list}). */
    static final class Execution {
        @Spec(Spec.Target.MIXEE)
        private CommandSpec spec;
        long id;

        @Option(names = "--execution", required = true, paramLabel = "ID",
                description = "The job execution (its id as list, status and every report print it).")
        void id(long value) {
            if (value < 1 || value > Integer.MAX_VALUE) {
                throw new ParameterException(spec.commandLine(), "--execution must be between 1 and "
                        + Integer.MAX_VALUE + " (got " + value + ")");
            }
            id = value;
        }
    }

    /** {@code --override-guard}: a run goes on although its candidates exceed {@code purge.guard}. */
    static final class Guard {
        @Option(names = "--override-guard", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
                converter = Flag.Strict.class,
                description = "Go on although the candidates exceed purge.guard (max-accounts, max-share); recorded.")
        Flag override = Flag.OFF;
    }

    /** {@code --initiator} and {@code --reason}, recorded with every execution a command starts. */
    static final class Who {
        @Option(names = "--initiator", paramLabel = "NAME",
                description = "Who runs it, recorded with the run and in its report (default: the OS user).")
        String initiator;

        @Option(names = "--reason", paramLabel = "TEXT",
                description = "Why (a ticket, a request), recorded with the run and in its report.")
        String reason;

        /** Checks both and keeps them for the executions this command starts; a real CSV purge needs a reason. */
        void record(String command, boolean reasonRequired) {
            Attribution.set(command, initiator, reason, reasonRequired, TenantContext.processName());
        }
    }
}
