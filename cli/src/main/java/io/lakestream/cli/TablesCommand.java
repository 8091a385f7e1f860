package io.lakestream.cli;

import io.lakestream.core.inspect.TableInspector;
import io.lakestream.core.inspect.TableInspectors;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "tables", description = "List the tables of a catalog.")
final class TablesCommand implements Callable<Integer> {
  @Spec CommandSpec command;
  @Mixin CatalogOptions catalog;

  @Option(names = "--json", description = "Print {\"tables\": [...]} instead of one name a line.")
  boolean json;

  @Override
  public Integer call() {
    try (TableInspector tables = TableInspectors.open(catalog.section())) {
      List<String> names = tables.list();
      if (json) {
        command.commandLine().getOut().println(TableJson.tables(names));
        return 0;
      }
      if (names.isEmpty()) {
        command.commandLine().getErr().println("No tables in this catalog.");
      }
      names.forEach(command.commandLine().getOut()::println);
      return 0;
    }
  }
}
