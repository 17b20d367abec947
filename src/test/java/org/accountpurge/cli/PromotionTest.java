package org.accountpurge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.accountpurge.support.RealStack;
import org.accountpurge.support.ReferenceTenantCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The last-admin guard (issue 26, second part): a group whose last owner or admin is purged is handed to another
 * member first ({@code purge.promotions}); a group nobody can take over keeps its owner, FAILED with nothing removed.
 * On the real stack, through the command line.
 */
@RealStack(seed = 31)
@ExtendWith(OutputCaptureExtension.class)
class PromotionTest extends ReferenceTenantCli {

    static final String GROUPS_SQL = "SELECT gm.user_id::text, gm.group_id::text FROM group_member gm WHERE"
            + " gm.user_id = ANY(:ids) AND gm.role IN ('owner', 'admin') AND NOT EXISTS (SELECT 1 FROM group_member o"
            + " WHERE o.group_id = gm.group_id AND o.role IN ('owner', 'admin') AND o.user_id <> ALL(:ids))";
    static final String PROMOTE_SQL = "UPDATE group_member SET role = 'owner' WHERE group_id::text = :group_id AND"
            + " user_id = (SELECT user_id FROM group_member WHERE group_id::text = :group_id AND role = 'member' AND"
            + " user_id <> ALL(:ids) ORDER BY user_id LIMIT 1) RETURNING user_id::text";


    @Test
    void theGroupsOfALeavingLastOwnerGetANewOwnerAndAGroupWithoutMembersKeepsIt(CapturedOutput output)
            throws Exception {
        // given owners nothing but their groups retained, each the last owner or admin of a group with members, and
        // one more owner whose group has no other member
        List<String> owners = lastOwnersWithMembers();
        assertThat(owners).isNotEmpty();
        String lonely = owners.get(owners.size() - 1);
        List<String> handedOver = owners.subList(0, owners.size() - 1);
        String lonelyGroup = UUID.randomUUID().toString();
        jdbc.update("INSERT INTO groups (id, name, created_by, created_at) VALUES (?::uuid, 'alone', NULL, now())",
                lonelyGroup);
        jdbc.update("INSERT INTO group_member (group_id, user_id, role) VALUES (?::uuid, ?::uuid, 'owner')",
                lonelyGroup, lonely);
        List<String> theirGroups = jdbc.queryForList("SELECT DISTINCT group_id::text FROM group_member WHERE"
                + " user_id::text = ANY(?) AND role IN ('owner', 'admin')", String.class,
                (Object) handedOver.toArray(String[]::new));
        StringBuilder csv = new StringBuilder("account_id,kind\n");
        owners.forEach(id -> csv.append(id).append(",user\n"));
        Path input = Files.writeString(dir.resolve("owners.csv"), csv.toString());

        // when they are purged with promotions instead of the retention of group owners
        int exit = cli("purge", "--config", promoting().toString(), "--input", input.toString(), "--reason", "OPS-26");

        // then the run completes with the lonely owner FAILED (exit 4), and every group the others led has an owner or
        // admin again, none of them a purged account
        assertThat(exit).as(output.getAll()).isEqualTo(4);
        long run = count("SELECT max(run_id) FROM purge.candidate", null);
        assertThat(count("SELECT count(*) FROM users WHERE id::text = ANY(?)", handedOver)).isZero();
        for (String group : theirGroups) {
            assertThat(count("SELECT count(*) FROM group_member WHERE group_id::text = '" + group + "' AND role IN"
                    + " ('owner', 'admin')", null)).as("group " + group).isPositive();
        }
        assertThat(count("SELECT coalesce(sum(count), 0) FROM purge.step_log WHERE run_id = " + run + " AND target ="
                + " 'last-owner' AND action = 'PROMOTED'", null)).isEqualTo(theirGroups.size());
        assertThat(output.getAll()).containsPattern("postgres last-owner: \\{(absent=\\d+, )?promoted="
                + theirGroups.size() + "}");
        // and purge.handover says which group went from whom to whom: each group to the owner it has now
        List<Map<String, Object>> handovers = jdbc.queryForList("SELECT account_id, item, successor, count FROM"
                + " purge.handover WHERE run_id = ? AND target = 'last-owner'", run);
        assertThat(handovers).extracting(h -> h.get("item")).containsExactlyInAnyOrderElementsOf(theirGroups);
        for (Map<String, Object> h : handovers) {
            assertThat(handedOver).contains((String) h.get("account_id"));
            assertThat(count("SELECT count(*) FROM group_member WHERE group_id::text = '" + h.get("item") + "' AND"
                    + " user_id::text = '" + h.get("successor") + "' AND role = 'owner'", null)).as("" + h).isOne();
        }

        // and the lonely owner is FAILED no_member_to_promote, still there with its group
        assertThat(jdbc.queryForList("SELECT state FROM purge.candidate WHERE run_id = ? AND account_id = ?",
                String.class, run, lonely)).containsExactly("FAILED");
        assertThat(count("SELECT count(*) FROM purge.step_log WHERE run_id = " + run + " AND account_id = '" + lonely
                + "' AND error_class = 'no_member_to_promote'", null)).isPositive();
        assertThat(count("SELECT count(*) FROM users WHERE id::text = ANY(?)", List.of(lonely))).isOne();
        assertThat(count("SELECT count(*) FROM group_member WHERE group_id::text = '" + lonelyGroup + "'", null))
                .isOne();
        assertThat(output.getAll()).contains("nothing of it was removed");
    }

    @Test
    void aPromotionWhoseSqlCannotRunStopsThePurgeBeforeAnythingStarts(CapturedOutput output) throws Exception {
        // given a promote-sql naming a column the table does not have
        Path config = Files.writeString(dir.resolve("broken.yml"), Files.readString(promoting())
                .replace("SET role = 'owner'", "SET rank = 'owner'"));
        Path input = Files.writeString(dir.resolve("one.csv"), "account_id,kind\n" + lastOwnersWithMembers().get(0)
                + ",user\n");

        // when a purge starts, then nothing is started and the rule is named
        assertThat(cli("purge", "--config", config.toString(), "--input", input.toString(), "--reason", "OPS-26"))
                .isEqualTo(2);
        assertThat(output.getAll()).contains("purge.promotions last-owner: promote-sql does not run");
    }

    /** Group owners no other rule retains, each the last owner or admin of a group that has other members. */
    List<String> lastOwnersWithMembers() {
        List<String> excluded = new ArrayList<>();
        for (String kind : List.of("contentCreators", "batchCreators", "mentors", "orgAdmins", "platformAdmins",
                "supportStaff")) {
            excluded.addAll(seeded.manifest().userIds().get(kind));
        }
        return jdbc.queryForList("SELECT DISTINCT gm.user_id::text FROM group_member gm WHERE gm.role IN ('owner',"
                + " 'admin') AND NOT EXISTS (SELECT 1 FROM group_member o WHERE o.group_id = gm.group_id AND o.role IN"
                + " ('owner', 'admin') AND o.user_id <> gm.user_id) AND EXISTS (SELECT 1 FROM group_member m WHERE"
                + " m.group_id = gm.group_id AND m.role = 'member') ORDER BY 1", String.class).stream()
                .filter(id -> !excluded.contains(id)).limit(4).toList();
    }

    /** The reference configuration with the group owners' retention rule replaced by a promotion. */
    Path promoting() throws Exception {
        Path config = referenceConfig(10, yaml -> yaml
                .replace("""
                            - name: group-owner-or-admin
                              applies-to: user
                              sql: SELECT DISTINCT user_id FROM group_member WHERE role IN ('owner', 'admin') AND user_id = ANY(:ids)
                        """, "")
                .replace("\n  retention:\n", "\n  promotions:\n    - name: last-owner\n      applies-to: user\n"
                        + "      groups-sql: \"" + GROUPS_SQL + "\"\n      promote-sql: \"" + PROMOTE_SQL + "\"\n"
                        + "  retention:\n"));
        assertThat(Files.readString(config)).doesNotContain("group-owner-or-admin").contains("promotions:");
        return config;
    }
}
