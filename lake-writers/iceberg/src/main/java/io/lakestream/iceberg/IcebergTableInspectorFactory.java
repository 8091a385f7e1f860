package io.lakestream.iceberg;

import io.lakestream.catalog.Catalogs;
import io.lakestream.core.inspect.TableInspector;
import io.lakestream.core.inspect.TableInspectorFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Inspects the tables of Iceberg catalogs: every catalog a {@code catalog} section of the {@code
 * iceberg} sink can name, the default one included.
 */
public final class IcebergTableInspectorFactory implements TableInspectorFactory {

  /** The format's name in {@code describe}'s heading. */
  static final String FORMAT = "Iceberg";

  @Override
  public String format() {
    return FORMAT;
  }

  @Override
  public List<String> catalogTypes() {
    return Catalogs.TYPES;
  }

  /**
   * A section without a {@code type} (the default catalog, or one given by {@code catalog-impl}) or
   * with one of {@link Catalogs#TYPES}.
   */
  @Override
  public boolean accepts(Map<String, ?> catalogSection) {
    Object type = catalogSection == null ? null : catalogSection.get("type");
    return type == null
        || (type instanceof String s && Catalogs.TYPES.contains(s.toLowerCase(Locale.ROOT)));
  }

  @Override
  public TableInspector open(Map<String, ?> catalogSection) {
    return new IcebergTableInspector(catalogSection);
  }
}
