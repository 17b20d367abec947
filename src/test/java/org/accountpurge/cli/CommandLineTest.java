package org.accountpurge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The command line, without any store: every command and option the operator is told about exists, a flag is
 * present, true or false and nothing else, and a command line that does not parse starts nothing (exit 2).
 */
@ExtendWith(OutputCaptureExtension.class)
class CommandLineTest {

    static final List<String> COMMANDS = List.of("purge", "nightly", "restart", "status", "list", "stop", "abandon",
            "failed", "report", "retry-failed", "verify", "orphans", "schedule", "worker");

    @Test
    void aFlagIsTrueAloneAndTakesExactlyTrueOrFalse() {
        assertThat(dryRun("--dry-run", "--config", "x")).isTrue();
        assertThat(dryRun("--config", "x", "--dry-run")).isTrue();
        assertThat(dryRun("--config", "x", "--dry-run", "true")).isTrue();
        assertThat(dryRun("--config", "x", "--dry-run", "false")).isFalse();
        assertThat(dryRun("--config", "x", "--dry-run=false")).isFalse();
        assertThat(dryRun("--config", "x")).isFalse();
    }

    @Test
    void anyOtherFlagValueIsAnError() {
        for (String value : new String[] {"yes", "TRUE", "1", "no", ""}) {
            assertThatThrownBy(() -> parse("purge", "--config", "x", "--input", "y", "--dry-run=" + value))
                    .isInstanceOf(CommandLine.ParameterException.class)
                    .hasMessageContaining("option '--dry-run': takes no value, or true or false (got '" + value + "')");
        }
        assertThatThrownBy(() -> parse("restart", "--config", "x", "--execution", "1", "--after-crash", "maybe"))
                .hasMessageContaining("(got 'maybe')");
    }

    @Test
    void unknownRepeatedDanglingOrOutOfRangeOptionsAreErrors() {
        assertThatThrownBy(() -> parse("purge", "--config", "a", "--input", "b", "--dry-runn"))
                .hasMessageContaining("Unknown option: '--dry-runn'");
        assertThatThrownBy(() -> parse("purge", "--config", "a", "--input", "b", "--dry-run",
                "--dry-run")).hasMessageContaining("only once");
        assertThatThrownBy(() -> parse("status", "--config", "a", "--config", "b", "--execution", "1"))
                .hasMessageContaining("only once");
        assertThatThrownBy(() -> parse("purge", "--config")).hasMessageContaining("Missing required parameter");
        assertThatThrownBy(() -> parse("purge", "--config", "a", "--input", "b", "stray")).hasMessageContaining("'stray'");
        assertThatThrownBy(() -> parse("purgee")).hasMessageContaining("'purgee'");
        assertThatThrownBy(() -> parse("status", "--config", "a")).hasMessageContaining("--execution");
        assertThatThrownBy(() -> parse("status", "--config", "a", "--execution", "0"))
                .hasMessageContaining("--execution must be between 1 and 2147483647 (got 0)");
        assertThatThrownBy(() -> parse("status", "--config", "a", "--execution", "x")).hasMessageContaining("'x'");
        assertThatThrownBy(() -> parse("list", "--config", "a", "--limit", "10001"))
                .hasMessageContaining("--limit must be between 1 and 10000 (got 10001)");
    }

    @Test
    void aCommandLineThatDoesNotParseSaysWhatIsWrongAndStartsNothing(CapturedOutput output) {
        // when the operator mistypes a flag's value, an option, or the command
        assertThat(Main.execute(new String[] {"purge", "--config", "nowhere.yml", "--input", "x.csv", "--dry-run",
                "yes"}, Map.of())).isEqualTo(2);
        assertThat(Main.execute(new String[] {"purge", "--config", "nowhere.yml", "--input", "x.csv", "--dryrun"},
                Map.of())).isEqualTo(2);
        assertThat(Main.execute(new String[] {"purgee"}, Map.of())).isEqualTo(2);
        assertThat(Main.execute(new String[0], Map.of())).isEqualTo(2);

        // then each says what is wrong and how the command reads, and the configuration was never opened
        assertThat(output.getErr())
                .contains("account-purge: Invalid value for option '--dry-run': takes no value, or true or false"
                        + " (got 'yes')")
                .contains("account-purge: Unknown option: '--dryrun'")
                .contains("Usage: account-purge purge ")
                .contains("'account-purge purge --help' explains every option.")
                .contains("Did you mean: account-purge purge").contains("Possible solutions: --dry-run")
                .contains("account-purge: a command is needed")
                .contains("Commands: purge, nightly, restart")
                .doesNotContain("nowhere.yml")
                .doesNotContain("\tat ");
    }

    @Test
    void everyCommandHasItsHelpFromItsOptions(CapturedOutput output) {
        assertThat(commandLine().getSubcommands().keySet()).containsExactlyInAnyOrderElementsOf(withHelp());
        for (String command : COMMANDS) {
            int before = output.getOut().length();
            assertThat(Main.execute(new String[] {command, "--help"}, Map.of())).as(command).isZero();
            String help = output.getOut().substring(before);
            assertThat(help).as(command).startsWith("Usage: account-purge " + command + " ").contains("--config=FILE");
            // every option the command takes is in its help, with a description
            commandLine().getSubcommands().get(command).getCommandSpec().options().forEach(option -> {
                assertThat(help).as(command).contains(option.longestName());
                assertThat(option.description()).as(command + " " + option.longestName()).isNotEmpty();
            });
        }
    }

    @Test
    void theProgramsHelpListsTheCommandsAndEveryExitCode(CapturedOutput output) {
        assertThat(Main.execute(new String[] {"--help"}, Map.of())).isZero();
        assertThat(Main.execute(new String[] {"help"}, Map.of())).isZero();
        assertThat(Main.execute(new String[] {"help", "stop"}, Map.of())).isZero();
        assertThat(output.getOut()).contains("Usage: account-purge [-h] [COMMAND]").contains("Exit codes:")
                .containsPattern("\\n\\s+0\\s+completed\\n").containsPattern("\\n\\s+1\\s+failed \\(restartable")
                .containsPattern("\\n\\s+2\\s+nothing started").containsPattern("\\n\\s+3\\s+refused")
                .containsPattern("\\n\\s+4\\s+completed with FAILED accounts")
                .containsPattern("\\n\\s+5\\s+stopped by its window")
                .containsPattern("\\n\\s+3\\s+nothing to stop");
        COMMANDS.forEach(command -> assertThat(output.getOut()).containsPattern("\\n\\s+" + command + "\\s+\\S"));
    }

    @Test
    void theReadmesCommandsAtAGlanceAreTheCommandsWithTheirOptions() throws Exception {
        // given the README's table of commands, a row per command or group of commands
        Set<String> named = new LinkedHashSet<>();
        for (String row : Files.readAllLines(Path.of("README.md"))) {
            if (!row.startsWith("| `")) {
                continue;
            }
            String cell = row.split("\\|")[1];
            List<String> commands = new ArrayList<>();
            Matcher command = Pattern.compile("(?:^ `|/ `)([a-z-]+)").matcher(cell);
            while (command.find()) {
                commands.add(command.group(1));
            }
            named.addAll(commands);
            // then each option a row names is an option of one of its commands
            Matcher option = Pattern.compile("--[a-z-]+").matcher(cell);
            while (option.find()) {
                String name = option.group();
                assertThat(commands).as(row).anyMatch(c -> commandLine().getSubcommands().containsKey(c)
                        && commandLine().getSubcommands().get(c).getCommandSpec().findOption(name) != null);
            }
        }
        // and it names every command, and no other
        assertThat(named).containsExactlyInAnyOrderElementsOf(COMMANDS);
    }

    @Test
    void docsCommandsShowsEachHelpAsTheProgramPrintsIt(CapturedOutput output) throws Exception {
        // given the commands page
        String page = Files.readString(Path.of("docs/commands.md"));

        // then it has the program's help, and a section per command with its help, as printed
        assertThat(Main.execute(new String[] {"--help"}, Map.of())).isZero();
        assertThat(page).contains("## The program\n\n```\n" + output.getOut().stripTrailing() + "\n```");
        for (String command : COMMANDS) {
            int before = output.getOut().length();
            assertThat(Main.execute(new String[] {command, "--help"}, Map.of())).isZero();
            String help = output.getOut().substring(before).stripTrailing();
            assertThat(page).as(command + " (docs/commands.md)")
                    .contains("## `" + command + "`\n\nhelp:\n\n```\n" + help + "\n```");
        }
    }

    private static List<String> withHelp() {
        List<String> all = new ArrayList<>(COMMANDS);
        all.add("help");
        return all;
    }

    private static boolean dryRun(String... options) {
        String[] argv = new String[options.length + 3];
        argv[0] = "purge";
        argv[1] = "--input";
        argv[2] = "in.csv";
        System.arraycopy(options, 0, argv, 3, options.length);
        ParseResult purge = parse(argv).subcommand();
        return purge.matchedOptionValue("--dry-run", Flag.OFF).on();
    }

    private static ParseResult parse(String... argv) {
        return commandLine().parseArgs(argv);
    }

    private static CommandLine commandLine() {
        return Main.commandLine(Map.of());
    }
}
