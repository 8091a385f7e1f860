package io.lakestream.core.inspect;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.spec.SpecException;
import io.lakestream.core.spec.SpecProblem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Opens a {@link TableInspector} for a catalog with the first format on the class path reading it.
 */
public final class TableInspectors {
  private TableInspectors() {}

  /**
   * Opens an inspector for the catalog a section describes, with the first factory on the class
   * path (in order of {@link TableInspectorFactory#format()}) that {@linkplain
   * TableInspectorFactory#accepts accepts} it.
   *
   * @param catalogSection the {@code catalog} section as a spec's sink holds it; null for the
   *     default catalog
   * @throws io.lakestream.core.spec.SpecException if no format on the class path reads the catalog
   *     (the problem names its type and the types each format reads), or if the section is invalid
   * @throws PipelineException if no format is on the class path at all, or the catalog cannot be
   *     reached
   */
  public static TableInspector open(Map<String, ?> catalogSection) {
    List<TableInspectorFactory> factories = new ArrayList<>();
    ServiceLoader.load(TableInspectorFactory.class).forEach(factories::add);
    return open(catalogSection, factories);
  }

  static TableInspector open(Map<String, ?> catalogSection, List<TableInspectorFactory> factories) {
    if (factories.isEmpty()) {
      throw new PipelineException(
          "No table format is on the class path to read catalogs with (no "
              + TableInspectorFactory.class.getName()
              + " is registered): put the module of a table format on the class path");
    }
    List<TableInspectorFactory> sorted =
        factories.stream().sorted(Comparator.comparing(TableInspectorFactory::format)).toList();
    for (TableInspectorFactory factory : sorted) {
      if (factory.accepts(catalogSection)) {
        return factory.open(catalogSection);
      }
    }
    Object type = catalogSection == null ? null : catalogSection.get("type");
    throw new SpecException(
        List.of(
            new SpecProblem(
                type == null ? "catalog" : "catalog.type",
                "no table format on the class path reads "
                    + (type == null ? "a catalog without a type" : "catalog type \"" + type + "\"")
                    + " ("
                    + sorted.stream()
                        .map(f -> f.format() + " reads " + String.join(", ", f.catalogTypes()))
                        .collect(Collectors.joining("; "))
                    + "); give a type one of them reads, or put the module of the catalog's"
                    + " table format on the class path")));
  }
}
