package io.lakestream.core.spec;

import static io.lakestream.core.spec.MaintenanceOptions.CHECK_INTERVAL;
import static io.lakestream.core.spec.MaintenanceOptions.JOBS;
import static io.lakestream.core.spec.MaintenanceOptions.JOB_ACTIONS;
import static io.lakestream.core.spec.MaintenanceOptions.JOB_CRON;
import static io.lakestream.core.spec.MaintenanceOptions.JOB_DELETE_FILES;
import static io.lakestream.core.spec.MaintenanceOptions.JOB_DELETE_FILE_THRESHOLD;
import static io.lakestream.core.spec.MaintenanceOptions.JOB_EVERY_COMMITS;
import static io.lakestream.core.spec.MaintenanceOptions.JOB_MIN_INPUT_FILES;
import static io.lakestream.core.spec.MaintenanceOptions.JOB_NAME;
import static io.lakestream.core.spec.MaintenanceOptions.JOB_OLDER_THAN;
import static io.lakestream.core.spec.MaintenanceOptions.JOB_OPTIONS;
import static io.lakestream.core.spec.MaintenanceOptions.JOB_ORPHANS_OLDER_THAN;
import static io.lakestream.core.spec.MaintenanceOptions.JOB_RETAIN_LAST;
import static io.lakestream.core.spec.MaintenanceOptions.JOB_SMALL_FILES;
import static io.lakestream.core.spec.MaintenanceOptions.JOB_TABLES;
import static io.lakestream.core.spec.MaintenanceOptions.JOB_TARGET_FILE_SIZE;
import static io.lakestream.core.spec.MaintenanceOptions.LEASE_TTL;
import static io.lakestream.core.spec.MaintenanceOptions.MAINTENANCE_OPTIONS;
import static io.lakestream.core.spec.MaintenanceOptions.RUN_IN;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.core.spec.MaintenanceSpec.Action;
import io.lakestream.core.spec.MaintenanceSpec.ActionOptions;
import io.lakestream.core.spec.MaintenanceSpec.Job;
import io.lakestream.core.spec.MaintenanceSpec.RunIn;
import io.lakestream.core.spec.MaintenanceSpec.Triggers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the {@code maintenance} section: every job needs a name unique in the spec, known actions,
 * at least one trigger, tables the spec writes, and only options of the actions it runs.
 */
final class MaintenanceReader {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9._-]+");
  private static final int MAX_COUNT = 1_000_000;

  /** The actions each action option applies to. */
  private static final Map<SpecOption<?>, Set<Action>> APPLIES_TO =
      Map.of(
          JOB_TARGET_FILE_SIZE, EnumSet.of(Action.REWRITE_DATA_FILES),
          JOB_MIN_INPUT_FILES,
              EnumSet.of(Action.REWRITE_DATA_FILES, Action.REWRITE_POSITION_DELETES),
          JOB_DELETE_FILE_THRESHOLD, EnumSet.of(Action.REWRITE_DATA_FILES),
          JOB_OLDER_THAN, EnumSet.of(Action.EXPIRE_SNAPSHOTS),
          JOB_RETAIN_LAST, EnumSet.of(Action.EXPIRE_SNAPSHOTS),
          JOB_ORPHANS_OLDER_THAN, EnumSet.of(Action.REMOVE_ORPHAN_FILES));

  private final Problems problems;

  MaintenanceReader(Problems problems) {
    this.problems = problems;
  }

  /**
   * The section at {@code path}; {@link MaintenanceSpec#NONE} when it is absent, null after
   * reporting what is wrong.
   *
   * @param sinkType the spec's sink type, or null when it is unknown (already reported)
   * @param tables the tables the spec writes; empty when the sink writes tables matching a pattern,
   *     null when the sink is wrong (already reported)
   */
  MaintenanceSpec read(JsonNode node, String path, String sinkType, List<String> tables) {
    if (Section.isAbsent(node)) {
      return MaintenanceSpec.NONE;
    }
    int before = problems.list().size();
    Section s = Section.read(node, path, MAINTENANCE_OPTIONS, problems);
    if (sinkType != null && !sinkType.equals("iceberg")) {
      problems.add(path, "applies to Iceberg tables only (the sink is " + sinkType + ")");
    }
    RunIn runIn = s.choice(RUN_IN);
    Duration check = s.duration(CHECK_INTERVAL, Duration.ofSeconds(1));
    Duration ttl = s.duration(LEASE_TTL, Duration.ofSeconds(10));
    List<Job> jobs = jobs(s.value(JOBS), s.pathOf(JOBS), tables);
    if (problems.list().size() > before || jobs == null) {
      return null;
    }
    return new MaintenanceSpec(runIn, check, ttl, jobs);
  }

  private List<Job> jobs(JsonNode node, String path, List<String> tables) {
    if (node == null) {
      return null; // required: reported by the section
    }
    if (!node.isArray() || node.isEmpty()) {
      problems.add(path, "must be a non-empty list of jobs (got " + Section.describe(node) + ")");
      return null;
    }
    List<Job> jobs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      jobs.add(job(node.get(i), Section.index(path, i), tables, names));
    }
    return jobs.contains(null) ? null : jobs;
  }

  private Job job(JsonNode node, String path, List<String> specTables, Set<String> names) {
    if (Section.isAbsent(node) || !node.isObject()) {
      problems.add(path, "must be a map (got " + Section.describe(node) + ")");
      return null;
    }
    Section s = Section.read(node, path, JOB_OPTIONS, problems);
    String name = s.string(JOB_NAME);
    if (name != null && !NAME.matcher(name).matches()) {
      s.problem(
          JOB_NAME, "must be letters, digits, '.', '_' and '-' (got " + Section.quote(name) + ")");
      name = null;
    } else if (name != null && !names.add(name)) {
      s.problem(
          JOB_NAME,
          "another job has this name; names must be unique (got " + Section.quote(name) + ")");
      name = null;
    }
    List<String> tables = tables(s, specTables);
    List<Action> actions = actions(s);
    Triggers triggers = triggers(s);
    ActionOptions options = options(s, actions);
    if (name == null || tables == null || actions == null || triggers == null || options == null) {
      return null;
    }
    return new Job(name, tables, actions, triggers, options);
  }

  private List<String> tables(Section s, List<String> specTables) {
    if (specTables == null) {
      return null; // the sink is wrong, already reported
    }
    if (!s.has(JOB_TABLES)) {
      if (specTables.isEmpty()) {
        problems.add(
            s.pathOf(JOB_TABLES),
            "is required: the sink writes tables matching a pattern, so name them");
        return null;
      }
      return specTables;
    }
    List<String> named = s.stringList(JOB_TABLES);
    if (named == null || specTables.isEmpty()) {
      return named;
    }
    boolean ok = true;
    for (int i = 0; i < named.size(); i++) {
      if (!specTables.contains(named.get(i))) {
        problems.add(
            Section.index(s.pathOf(JOB_TABLES), i),
            Section.unknownName("table", named.get(i), specTables, "the spec writes"));
        ok = false;
      }
    }
    return ok ? named : null;
  }

  private List<Action> actions(Section s) {
    List<String> names = s.stringList(JOB_ACTIONS);
    if (names == null) {
      return null;
    }
    List<String> known = EnumSet.allOf(Action.class).stream().map(Action::toString).toList();
    List<Action> actions = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      int at = known.indexOf(names.get(i));
      if (at < 0) {
        problems.add(
            Section.index(s.pathOf(JOB_ACTIONS), i),
            Section.unknownName("action", names.get(i), known, "known"));
      } else {
        actions.add(Action.values()[at]);
      }
    }
    return actions.size() == names.size() ? actions : null;
  }

  private Triggers triggers(Section s) {
    CronSchedule cron = null;
    boolean ok = true;
    String text = s.string(JOB_CRON);
    if (text != null) {
      try {
        cron = CronSchedule.parse(text);
        cron.next(Instant.EPOCH);
      } catch (IllegalArgumentException e) {
        s.problem(JOB_CRON, e.getMessage() + " (got " + Section.quote(text) + ")");
        ok = false;
      } catch (IllegalStateException e) {
        s.problem(JOB_CRON, "matches no time (got " + Section.quote(text) + ")");
        ok = false;
      }
    }
    Integer commits = s.integer(JOB_EVERY_COMMITS, 1, MAX_COUNT);
    Integer small = s.integer(JOB_SMALL_FILES, 1, MAX_COUNT);
    Integer deletes = s.integer(JOB_DELETE_FILES, 1, MAX_COUNT);
    ok &= s.has(JOB_CRON) == (cron != null);
    ok &= s.has(JOB_EVERY_COMMITS) == (commits != null);
    ok &= s.has(JOB_SMALL_FILES) == (small != null);
    ok &= s.has(JOB_DELETE_FILES) == (deletes != null);
    if (!s.has(JOB_CRON)
        && !s.has(JOB_EVERY_COMMITS)
        && !s.has(JOB_SMALL_FILES)
        && !s.has(JOB_DELETE_FILES)) {
      problems.add(
          s.path(),
          "needs at least one trigger: "
              + String.join(
                  ", ",
                  JOB_CRON.key(),
                  JOB_EVERY_COMMITS.key(),
                  JOB_SMALL_FILES.key(),
                  JOB_DELETE_FILES.key()));
      return null;
    }
    return ok ? new Triggers(cron, commits, small, deletes) : null;
  }

  private ActionOptions options(Section s, List<Action> actions) {
    if (actions != null) {
      APPLIES_TO.forEach(
          (option, applies) -> {
            if (s.has(option) && actions.stream().noneMatch(applies::contains)) {
              s.problem(
                  option,
                  "applies only to "
                      + Section.inWords(applies.stream().map(Action::toString).toList())
                      + ", which the job does not run");
            }
          });
    }
    Long target = s.byteSize(JOB_TARGET_FILE_SIZE);
    Integer minInput = s.integer(JOB_MIN_INPUT_FILES, 1, MAX_COUNT);
    Integer threshold = s.integer(JOB_DELETE_FILE_THRESHOLD, 1, MAX_COUNT);
    Duration olderThan = s.duration(JOB_OLDER_THAN, Duration.ZERO);
    Integer retain = s.integer(JOB_RETAIN_LAST, 1, MAX_COUNT);
    Duration orphans = s.duration(JOB_ORPHANS_OLDER_THAN, Duration.ofMinutes(1));
    if ((s.has(JOB_TARGET_FILE_SIZE) && target == null)
        || minInput == null
        || threshold == null
        || olderThan == null
        || retain == null
        || orphans == null) {
      return null;
    }
    return new ActionOptions(
        target == null ? 0 : target, minInput, threshold, olderThan, retain, orphans);
  }
}
