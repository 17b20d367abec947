package org.accountpurge.candidate;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersValidator;

/**
 * Where a run's candidates come from, as its job parameters say: a CSV file ({@code input}, {@code input.sha256}) or
 * an inactivity selection ({@code selection}, {@code run.date}: the run is that selection on that date).
 */
public final class CandidateSource implements JobParametersValidator {

    public static final String INPUT = "input";
    public static final String INPUT_SHA256 = "input.sha256";
    public static final String SELECTION = "selection";
    public static final String RUN_DATE = "run.date";
    /** "true" for a dry run: candidates and retention recorded, no store touched. */
    public static final String DRY_RUN = "dry.run";
    /** When a dry run (or a CSV run) was launched: makes each dry run an instance of its own. */
    public static final String RUN_STARTED = "run.started";

    public static boolean isDryRun(JobParameters parameters) {
        return "true".equals(parameters.getString(DRY_RUN));
    }

    /** The run date of a selection run; null for a CSV run. */
    public static LocalDate runDate(JobParameters parameters) {
        String date = parameters.getString(RUN_DATE);
        return date == null ? null : LocalDate.parse(date);
    }

    /** How a run is named for people: the file, or the selection and its date. */
    public static String describe(JobParameters parameters) {
        String input = parameters.getString(INPUT);
        return input != null ? input
                : "selection " + parameters.getString(SELECTION) + " of " + parameters.getString(RUN_DATE);
    }

    @Override
    public void validate(JobParameters parameters) throws InvalidJobParametersException {
        boolean csv = parameters.getString(INPUT) != null && parameters.getString(INPUT_SHA256) != null;
        boolean selection = parameters.getString(SELECTION) != null && parameters.getString(RUN_DATE) != null;
        if (csv == selection) {
            throw new InvalidJobParametersException("a run takes its candidates either from a file (input,"
                    + " input.sha256) or from a selection (selection, run.date)");
        }
        if (selection) {
            try {
                LocalDate.parse(parameters.getString(RUN_DATE));
            } catch (DateTimeParseException e) {
                throw new InvalidJobParametersException("run.date must be a date (YYYY-MM-DD): "
                        + parameters.getString(RUN_DATE));
            }
        }
    }
}
