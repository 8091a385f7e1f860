package io.lakestream.cli;

import io.lakestream.catalog.Catalogs;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.SpecException;
import io.lakestream.core.spec.SpecParser;
import io.lakestream.core.spec.SpecProblem;
import io.lakestream.hudi.HudiSinkFactory;
import io.lakestream.hudi.HudiTrinoCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "trino-catalog",
    description = {
      "Print the Trino catalog properties that let Trino query a pipeline's Iceberg tables"
          + " through the same catalog (JDBC on SQLite or PostgreSQL, or REST), or its Hudi"
          + " tables through the file metastore its sink.hudi.sync keeps.",
      "Save them as Trino's etc/catalog/NAME.properties, then query NAME.<namespace>.<table>"
          + " in Trino.",
      "Run it in the directory the pipeline runs in: relative paths in the spec are resolved"
          + " against it, as run does. Secrets are written as $${ENV:VAR}, which Trino reads from"
          + " its environment.",
      "From a running pipeline to query results, step by step: trino-examples/README.md",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  lakestream trino-catalog --spec examples/quickstart.yaml",
      "  lakestream trino-catalog --spec orders.yaml --name lake --output etc/catalog/",
      "  lakestream trino-catalog --spec trino-examples/pipelines/orders-hudi.yaml"
    })
final class TrinoCatalogCommand implements Callable<Integer> {
  private static final Pattern CATALOG_NAME = Pattern.compile("[a-z][a-z0-9_]*");

  @Spec CommandSpec command;

  @Option(
      names = "--spec",
      paramLabel = "SPEC",
      required = true,
      description =
          "The pipeline spec whose sink.iceberg.catalog (or sink.hudi.sync) Trino should read.")
  Path spec;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description =
          "Write the properties to FILE instead of printing them; a directory gets NAME.properties.")
  Path output;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description =
          "The catalog's name in Trino (lower-case letters, digits, _). Default: the Iceberg"
              + " catalog's name (sink.iceberg.catalog.name, else "
              + Catalogs.DEFAULT_NAME
              + "); for a Hudi sink, hudi.")
  String name;

  @Option(
      names = "--secret-env",
      paramLabel = "VAR",
      defaultValue = TrinoCatalog.DEFAULT_SECRET_ENV,
      description =
          "The environment variable Trino reads the catalog's password, credential or token from."
              + " Default: ${DEFAULT-VALUE}.")
  String secretEnv;

  @Option(
      names = "--show-secrets",
      description = "Write the password, credential or token in clear instead of as $${ENV:VAR}.")
  boolean showSecrets;

  @Override
  public Integer call() {
    PipelineSpec p = SpecParser.parse(spec);
    boolean hudi = p.sink().type().equals(HudiSinkFactory.TYPE);
    if (!hudi && !p.sink().type().equals("iceberg")) {
      throw new SpecException(
          List.of(
              new SpecProblem(
                  "sink",
                  "trino-catalog needs an iceberg or hudi sink; this spec's sink is "
                      + p.sink().type())));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> section =
        p.sink().config().get("catalog") instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    String icebergName = Catalogs.catalogName(section);
    String trinoName =
        name != null ? name : hudi ? "hudi" : icebergName.toLowerCase(java.util.Locale.ROOT);
    if (!CATALOG_NAME.matcher(trinoName).matches()) {
      throw new ParameterException(
          command.commandLine(),
          "--name must be lower-case letters, digits and _, starting with a letter (given \""
              + trinoName
              + "\")");
    }
    List<String> properties;
    String table = p.sink().table();
    if (hudi) {
      HudiTrinoCatalog catalog = HudiTrinoCatalog.of(p.sink().config(), table);
      properties = catalog.lines();
      table = catalog.table();
    } else {
      Path workDir = Path.of("").toAbsolutePath();
      properties =
          TrinoCatalog.of(
                  icebergName, Catalogs.icebergProperties(section), workDir, secretEnv, showSecrets)
              .lines();
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        "# Trino catalog \""
            + trinoName
            + "\" for the tables of lakestream pipeline "
            + p.pipeline()
            + " (written by lakestream trino-catalog).");
    lines.add(
        "# Save as <trino>/etc/catalog/"
            + trinoName
            + ".properties, then query "
            + trinoName
            + "."
            + table
            + ".");
    lines.addAll(properties);
    String text = String.join("\n", lines) + "\n";
    if (output == null) {
      command.commandLine().getOut().print(text);
      command.commandLine().getOut().flush();
      return 0;
    }
    Path file = Files.isDirectory(output) ? output.resolve(trinoName + ".properties") : output;
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the Trino catalog to " + file, e);
    }
    command.commandLine().getOut().println("Wrote Trino catalog " + trinoName + " to " + file);
    return 0;
  }
}
