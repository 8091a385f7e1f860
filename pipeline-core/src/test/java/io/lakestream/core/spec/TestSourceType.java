package io.lakestream.core.spec;

import java.util.List;

/**
 * A source type {@code test} for spec tests: a change source of the tables it lists, like a
 * database's. Its columns come from the source, so {@code schema} does not apply; transforms do not
 * apply to its changes; with several tables the sink table is {@code namespace.*}.
 */
public final class TestSourceType implements SourceType {
  static final SpecOption<List<String>> TABLES =
      SpecOption.key("tables").stringListType().required().withDescription("The tables read.");

  /** The section read. */
  record Spec(String pipeline, List<String> tables) implements SourceSpec {
    @Override
    public String summary() {
      return "the tables " + String.join(", ", tables);
    }
  }

  @Override
  public String name() {
    return "test";
  }

  @Override
  public String description() {
    return "Changes of test tables.";
  }

  @Override
  public List<SpecOption<?>> options() {
    return List.of(TABLES);
  }

  @Override
  public SourceSection read(Section section, SpecContext context) {
    List<String> tables = section.stringList(TABLES);
    Spec spec = tables == null ? null : new Spec(context.pipeline(), tables);
    return new SourceSection() {
      @Override
      public SourceSpec spec() {
        return spec;
      }

      @Override
      public SchemaSpec schema(boolean declared, String path, Problems problems) {
        if (declared) {
          problems.add(path, "does not apply to source test");
        }
        return SchemaSpec.undeclared();
      }

      @Override
      public void check(SpecOutline outline, Problems problems) {
        outline.noTransformsOnChanges("source test", problems);
        if (outline.sink() != null
            && tables != null
            && tables.size() > 1
            && !outline.sink().table().endsWith(".*")) {
          problems.add(outline.sinkTablePath(), "must be namespace.* for several tables");
        }
      }
    };
  }
}
