package io.lakestream.compaction;

import io.lakestream.core.spec.MaintenanceSpec.Action;
import io.lakestream.core.spec.MaintenanceSpec.ActionOptions;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;

/** Builds the {@link MaintenanceAction}s that {@code maintain} and scheduled jobs run. */
public final class MaintenanceActions {
  private MaintenanceActions() {}

  /**
   * The actions named, configured by {@code options}, in {@link Action} order whatever the order
   * given; all of them when none is named.
   */
  public static List<MaintenanceAction> of(
      Iterable<Action> actions, ActionOptions options, Clock clock) {
    EnumSet<Action> chosen = EnumSet.noneOf(Action.class);
    actions.forEach(chosen::add);
    if (chosen.isEmpty()) {
      chosen = EnumSet.allOf(Action.class);
    }
    return chosen.stream().map(a -> of(a, options, clock)).toList();
  }

  private static MaintenanceAction of(Action action, ActionOptions o, Clock clock) {
    return switch (action) {
      case REWRITE_DATA_FILES ->
          new RewriteDataFiles(
              o.targetFileSize(), o.minInputFiles(), o.deleteFileThreshold(), clock);
      case REWRITE_POSITION_DELETES -> new RewritePositionDeletes(o.minInputFiles(), clock);
      case REWRITE_MANIFESTS -> new RewriteManifests(clock);
      case EXPIRE_SNAPSHOTS -> new ExpireSnapshots(o.olderThan(), o.retainLast(), clock);
      case REMOVE_ORPHAN_FILES -> new RemoveOrphanFiles(o.orphansOlderThan(), clock);
    };
  }
}
