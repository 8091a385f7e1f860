package io.lakestream.cli;

import io.lakestream.catalog.Catalogs;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.SpecParser;
import io.lakestream.hudi.HudiSinkFactory;
import io.lakestream.hudi.HudiTableInspectorFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Which catalog a command reads: a spec's, a warehouse's default one, or given properties. */
final class CatalogOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--spec",
      paramLabel = "SPEC",
      description =
          "Use the catalog of this pipeline spec's sink (for a hudi sink: the directory holding"
              + " its table).")
  Path spec;

  @Option(
      names = "--warehouse",
      paramLabel = "DIR",
      description =
          "Use the default catalog of this warehouse (DIR/catalog.db). Default: ./warehouse.")
  Path warehouse;

  @Option(
      names = "--catalog",
      paramLabel = "KEY=VALUE",
      description =
          "Catalog properties, as under sink.iceberg.catalog (e.g. type=rest, uri=http://...);"
              + " type=hudi,path=DIR reads the Hudi tables in the subdirectories of DIR.")
  Map<String, String> properties;

  /**
   * The catalog section to load, or null for the default catalog.
   *
   * @throws ParameterException if the warehouse (the default one included) does not exist: these
   *     commands only read, so they must not create an empty catalog where the user mistyped a path
   */
  Map<String, Object> section() {
    if (properties != null && !properties.isEmpty()) {
      return new LinkedHashMap<>(properties);
    }
    if (spec != null) {
      PipelineSpec p = SpecParser.parse(spec);
      if (p.sink().type().equals(HudiSinkFactory.TYPE)) {
        return new LinkedHashMap<>(HudiTableInspectorFactory.catalogOf(p.sink().config()));
      }
      return p.sink().catalog();
    }
    Path dir = warehouse == null ? Path.of(Catalogs.DEFAULT_WAREHOUSE) : warehouse;
    if (!Files.isDirectory(dir)) {
      throw new ParameterException(command.commandLine(), "warehouse " + dir + " does not exist");
    }
    if (warehouse != null) {
      Map<String, Object> section = new LinkedHashMap<>();
      section.put("type", "jdbc");
      section.put("warehouse", warehouse.toString());
      section.put("uri", "jdbc:sqlite:" + warehouse.resolve("catalog.db"));
      return section;
    }
    return null;
  }
}
