package io.lakestream.hudi;

import io.lakestream.core.inspect.TableInspector;
import io.lakestream.core.inspect.TableInspectorFactory;
import io.lakestream.core.spec.Problems;
import io.lakestream.core.spec.SpecException;
import io.lakestream.core.spec.SpecProblem;
import java.util.List;
import java.util.Map;

/**
 * Inspects Hudi tables. Hudi has no catalog of its own: a "catalog" is a directory whose
 * subdirectories are Hudi tables ({@code type: hudi, path: DIR}), as the {@code hudi} sink lays out
 * a table and its side tables. {@code lakestream describe --spec} derives it from the sink's path.
 */
public final class HudiTableInspectorFactory implements TableInspectorFactory {

  /** The catalog type of a directory of Hudi tables. */
  public static final String CATALOG_TYPE = "hudi";

  /** The key of the catalog section holding {@code sink.hudi.storage}. */
  private static final String STORAGE = HudiSinkOptions.STORAGE.key();

  /** The format's name in {@code describe}'s heading. */
  static final String FORMAT = "Hudi";

  @Override
  public String format() {
    return FORMAT;
  }

  @Override
  public List<String> catalogTypes() {
    return List.of(CATALOG_TYPE);
  }

  @Override
  public boolean accepts(Map<String, ?> catalogSection) {
    return catalogSection != null && CATALOG_TYPE.equals(catalogSection.get("type"));
  }

  /**
   * @throws SpecException if the section has no {@code path}
   */
  @Override
  public TableInspector open(Map<String, ?> catalogSection) {
    Object path = catalogSection.get("path");
    if (!(path instanceof String dir) || dir.isBlank()) {
      throw new SpecException(
          List.of(
              new SpecProblem(
                  "catalog.path",
                  "is required for type hudi: the directory whose subdirectories are Hudi tables")));
    }
    Problems problems = new Problems();
    HudiSinkConfig storageOnly =
        HudiSinkConfig.parse(
            Map.of(
                HudiSinkOptions.PATH.key(),
                dir,
                HudiSinkOptions.STORAGE.key(),
                catalogSection.containsKey(STORAGE) ? catalogSection.get(STORAGE) : Map.of()),
            "catalog",
            problems);
    problems.throwIfAny();
    return new HudiTableInspector(dir, storageOnly.storage());
  }

  /**
   * The catalog section of the directory holding the table a {@code sink.hudi} section writes (and
   * its side tables): the parent of its {@code path}, with its {@code storage}.
   */
  public static Map<String, Object> catalogOf(Map<String, Object> sinkSection) {
    Object path = sinkSection.get(HudiSinkOptions.PATH.key());
    String base = path == null ? "." : path.toString().replaceAll("/+$", "");
    int slash = base.lastIndexOf('/');
    String parent = slash < 0 ? "." : slash == 0 ? "/" : base.substring(0, slash);
    Object storage = sinkSection.get(STORAGE);
    return storage == null
        ? Map.of("type", CATALOG_TYPE, "path", parent)
        : Map.of("type", CATALOG_TYPE, "path", parent, STORAGE, storage);
  }
}
