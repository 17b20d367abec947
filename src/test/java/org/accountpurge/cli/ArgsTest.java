package org.accountpurge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Options and flags: a flag is present, true or false, and nothing else. */
class ArgsTest {

    static final Map<String, Set<String>> COMMANDS = Map.of("purge", Set.of("config", "dry-run", "new-run"));
    static final Set<String> FLAGS = Set.of("dry-run", "new-run");

    @Test
    void aFlagIsTrueAloneAndTakesExactlyTrueOrFalse() {
        assertThat(parse("purge", "--dry-run", "--config", "x").flag("dry-run")).isTrue();
        assertThat(parse("purge", "--config", "x", "--dry-run").flag("dry-run")).isTrue();
        assertThat(parse("purge", "--dry-run", "true").flag("dry-run")).isTrue();
        assertThat(parse("purge", "--dry-run", "false").flag("dry-run")).isFalse();
        assertThat(parse("purge", "--dry-run=false").flag("dry-run")).isFalse();
        assertThat(parse("purge", "--config", "x").flag("dry-run")).isFalse();
    }

    @Test
    void anyOtherValueIsAnError() {
        for (String value : new String[] {"yes", "TRUE", "1", "no", ""}) {
            assertThatThrownBy(() -> parse("purge", "--dry-run=" + value)).isInstanceOf(Args.UsageException.class)
                    .hasMessageContaining("--dry-run takes no value, or true or false");
        }
        assertThatThrownBy(() -> parse("purge", "--new-run", "maybe")).hasMessageContaining("(got 'maybe')");
    }

    @Test
    void unknownRepeatedOrDanglingOptionsAreErrors() {
        assertThatThrownBy(() -> parse("purge", "--dry-runn")).hasMessageContaining("unknown option '--dry-runn'");
        assertThatThrownBy(() -> parse("purge", "--dry-run", "--dry-run")).hasMessageContaining("given twice");
        assertThatThrownBy(() -> parse("purge", "--config")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> parse("purge", "stray")).hasMessageContaining("unexpected argument 'stray'");
        assertThatThrownBy(() -> parse("purgee")).hasMessageContaining("unknown command 'purgee'");
    }

    static Args parse(String... argv) {
        return Args.parse(argv, COMMANDS, FLAGS);
    }

    @Test
    void theTopLevelUsageNamesEveryOptionOfEveryCommand() {
        // given the usage printed after a command-line error, one part per command
        Map<String, String> parts = new java.util.HashMap<>();
        for (String part : Main.USAGE.replaceFirst("^commands: ", "").split(" \\| ")) {
            parts.put(part.split(" ")[0], part);
        }

        // then each command is there with each option it accepts, and names none it does not
        Main.COMMANDS.forEach((command, options) -> {
            assertThat(parts).as(command).containsKey(command);
            options.forEach(option -> assertThat(parts.get(command)).as(command)
                    .containsPattern("--" + option + "( |\\]|$)"));
            java.util.regex.Matcher named = java.util.regex.Pattern.compile("--([a-z-]+)").matcher(parts.get(command));
            while (named.find()) {
                assertThat(options).as(command + " --" + named.group(1)).contains(named.group(1));
            }
        });
    }
}
