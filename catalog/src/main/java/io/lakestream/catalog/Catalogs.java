package io.lakestream.catalog;

import io.lakestream.core.error.Failures;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.spec.Problems;
import io.lakestream.core.spec.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds Iceberg catalogs from a spec's {@code catalog} section with Iceberg's own loader, so that
 * every catalog Iceberg supports works by configuration.
 *
 * <p>The section's keys:
 *
 * <ul>
 *   <li>{@code type}: one of {@link #TYPES}, passed to Iceberg as its {@code type}; or give {@code
 *       catalog-impl} (a class name) instead;
 *   <li>{@code name}: the catalog's name, {@value #DEFAULT_NAME} by default; the JDBC catalog keeps
 *       tables of different names apart in one database;
 *   <li>{@code warehouse}: where table files go; a path without a URI scheme is resolved against
 *       the working directory and becomes an absolute {@code file:} URI, except for a REST catalog,
 *       whose server decides where table files go and takes the value as it is (often a name); a
 *       {@code jdbc} or {@code hadoop} catalog with an {@code s3://} (or {@code s3a://}, {@code
 *       s3n://}) warehouse gets {@code io-impl} {@value #S3_FILE_IO} unless the section names
 *       another;
 *   <li>every other key is passed through as an Iceberg catalog property ({@code uri}, {@code
 *       jdbc.user}, {@code io-impl}, {@code s3.endpoint}, ...).
 * </ul>
 *
 * When the section is absent the catalog is JDBC on a SQLite file: type {@code jdbc}, warehouse
 * {@value #DEFAULT_WAREHOUSE}, uri {@code jdbc:sqlite:<warehouse>/catalog.db}. A JDBC catalog
 * without a {@code uri} gets that SQLite default too, and every JDBC catalog gets {@code
 * jdbc.schema-version=V1} unless the section sets it (Trino shares the catalog with that schema).
 */
public final class Catalogs {
  private static final Logger LOG = LoggerFactory.getLogger(Catalogs.class);

  /** The catalog types a section may name. */
  public static final List<String> TYPES =
      List.of("jdbc", "rest", "hive", "nessie", "glue", "hadoop");

  /** The catalog name when the section gives none. */
  public static final String DEFAULT_NAME = "lakestream";

  /** The warehouse when the section gives none, relative to the working directory. */
  public static final String DEFAULT_WAREHOUSE = "warehouse";

  static final String TYPE = "type";
  static final String NAME = "name";
  static final String CATALOG_IMPL = CatalogProperties.CATALOG_IMPL;
  static final String WAREHOUSE = CatalogProperties.WAREHOUSE_LOCATION;
  static final String URI = CatalogProperties.URI;
  static final String JDBC_SCHEMA_VERSION = "jdbc.schema-version";
  static final String IO_IMPL = CatalogProperties.FILE_IO_IMPL;

  /** Iceberg's FileIO for object storage in S3 and S3-compatible servers, shipped in lib/. */
  static final String S3_FILE_IO = "org.apache.iceberg.aws.s3.S3FileIO";

  private static final Pattern S3_SCHEME = Pattern.compile("^s3[an]?://.*");

  private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");
  private static final Pattern SECRET_KEY =
      Pattern.compile(
          ".*(password|secret|token|credential|private-key|access-key).*",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern SECRET_IN_URI =
      Pattern.compile("(?i)((?:password|secret|token)=)[^&;]*");

  private Catalogs() {}

  /**
   * Builds the catalog a section describes, with Iceberg's {@link CatalogUtil#buildIcebergCatalog}.
   * Creates the warehouse directory of a default SQLite catalog. The caller owns the catalog and
   * closes it when it is {@link AutoCloseable}.
   *
   * @param catalogSection the {@code catalog} section as parsed from YAML; null or empty for the
   *     default catalog
   * @throws io.lakestream.core.spec.SpecException if the section is invalid (see {@link #validate})
   * @throws PipelineException if Iceberg cannot build the catalog, for example because its database
   *     cannot be reached or the catalog's classes are not on the class path; the message gives the
   *     causes and, where there is one, what to do
   */
  public static Catalog load(Map<String, ?> catalogSection) {
    return load(catalogSection, Path.of("").toAbsolutePath());
  }

  static Catalog load(Map<String, ?> catalogSection, Path workDir) {
    Problems problems = new Problems();
    validate(catalogSection, "catalog", problems);
    problems.throwIfAny();
    String name = catalogName(catalogSection);
    Map<String, String> props = icebergProperties(catalogSection, workDir);
    createSqliteDirectory(props.get(URI));
    try {
      Catalog catalog =
          CatalogUtil.buildIcebergCatalog(name, props, LocalFiles.configure(new Configuration()));
      LOG.info("Loaded Iceberg catalog {} ({})", name, masked(props));
      return catalog;
    } catch (RuntimeException | LinkageError e) {
      String kind = props.getOrDefault(TYPE, props.get(CATALOG_IMPL));
      String advice = Failures.advice(e);
      throw new PipelineException(
          "Cannot load Iceberg catalog \""
              + name
              + "\" of type "
              + kind
              + " ("
              + masked(props)
              + "): "
              + Failures.describe(e)
              + (advice.isEmpty() ? "" : ". " + advice),
          e);
    }
  }

  /**
   * The catalog's name: the section's {@code name}, or {@value #DEFAULT_NAME}.
   *
   * @param catalogSection the section, may be null
   */
  public static String catalogName(Map<String, ?> catalogSection) {
    Object name = catalogSection == null ? null : catalogSection.get(NAME);
    return name == null ? DEFAULT_NAME : name.toString();
  }

  /**
   * The properties {@link #load} passes to Iceberg, with defaults applied and the warehouse
   * resolved. Secrets are included; print them only through {@link #masked}.
   *
   * @param catalogSection the section, may be null; assumed valid
   */
  public static Map<String, String> icebergProperties(Map<String, ?> catalogSection) {
    return icebergProperties(catalogSection, Path.of("").toAbsolutePath());
  }

  static Map<String, String> icebergProperties(Map<String, ?> catalogSection, Path workDir) {
    Map<String, String> props = new LinkedHashMap<>();
    Map<String, ?> section = catalogSection == null ? Map.of() : catalogSection;
    for (Map.Entry<String, ?> e : section.entrySet()) {
      if (!e.getKey().equals(NAME) && e.getValue() != null) {
        props.put(e.getKey(), e.getValue().toString());
      }
    }
    if (!props.containsKey(TYPE) && !props.containsKey(CATALOG_IMPL)) {
      props.put(TYPE, "jdbc");
    }
    if (props.containsKey(TYPE)) {
      props.put(TYPE, props.get(TYPE).toLowerCase(Locale.ROOT));
    }
    boolean jdbc = "jdbc".equals(props.get(TYPE));
    if (jdbc && !props.containsKey(WAREHOUSE)) {
      props.put(WAREHOUSE, DEFAULT_WAREHOUSE);
    }
    // a REST server names or places its warehouses itself: what the client sends is its key
    if (props.containsKey(WAREHOUSE) && !"rest".equals(props.get(TYPE))) {
      props.put(WAREHOUSE, resolveWarehouse(props.get(WAREHOUSE), workDir));
      boolean hadoopFileIo = jdbc || "hadoop".equals(props.get(TYPE));
      if (hadoopFileIo && S3_SCHEME.matcher(props.get(WAREHOUSE)).matches()) {
        // these catalogs default to Hadoop's FileIO, which has no s3 file system here
        props.putIfAbsent(IO_IMPL, S3_FILE_IO);
      }
    }
    if (jdbc) {
      if (!props.containsKey(URI)) {
        Path dir = Path.of(java.net.URI.create(props.get(WAREHOUSE)));
        props.put(URI, "jdbc:sqlite:" + dir.resolve("catalog.db"));
      }
      props.putIfAbsent(JDBC_SCHEMA_VERSION, "V1");
    }
    return props;
  }

  /** A local path becomes an absolute {@code file:} URI; a URI stays as it is. */
  static String resolveWarehouse(String warehouse, Path workDir) {
    if (isUri(warehouse)) {
      return stripTrailingSlash(warehouse);
    }
    Path dir = workDir.resolve(warehouse).toAbsolutePath().normalize();
    return stripTrailingSlash(dir.toUri().toString());
  }

  private static boolean isUri(String location) {
    return URI_SCHEME.matcher(location).matches();
  }

  private static String stripTrailingSlash(String location) {
    String result = location;
    while (result.endsWith("/") && !result.endsWith(":/") && !result.endsWith("//")) {
      result = result.substring(0, result.length() - 1);
    }
    return result;
  }

  /** SQLite creates its database file but not the directory it lives in. */
  private static void createSqliteDirectory(String uri) {
    if (uri == null || !uri.startsWith("jdbc:sqlite:")) {
      return;
    }
    String file = uri.substring("jdbc:sqlite:".length());
    int query = file.indexOf('?');
    if (query >= 0) {
      file = file.substring(0, query);
    }
    if (file.startsWith("file:")) {
      file = file.substring("file:".length());
    }
    if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith(":resource:")) {
      return;
    }
    Path parent = Path.of(file).toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      try {
        Files.createDirectories(parent);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create the catalog's directory " + parent, e);
      }
    }
  }

  /**
   * Checks a {@code catalog} section and adds one problem per mistake, each with its path below
   * {@code path} (for example {@code sink.iceberg.catalog.type}), a catalog type whose optional
   * jars are not on the class path included. Never connects to anything.
   *
   * @param catalogSection the section as parsed from YAML, may be null (the default catalog)
   * @param path the section's path in the spec
   * @param problems where problems are collected
   */
  public static void validate(Map<String, ?> catalogSection, String path, Problems problems) {
    if (catalogSection == null) {
      return;
    }
    for (Map.Entry<String, ?> e : catalogSection.entrySet()) {
      Object value = e.getValue();
      if (value instanceof Map<?, ?> || value instanceof List<?>) {
        problems.add(
            path + "." + e.getKey(),
            "must be a single value, not a list or mapping (" + kind(value) + ")");
      } else if (value == null) {
        problems.add(path + "." + e.getKey(), "has no value");
      }
    }
    Object type = catalogSection.get(TYPE);
    Object impl = catalogSection.get(CATALOG_IMPL);
    String typeName = type instanceof String s ? s.toLowerCase(Locale.ROOT) : null;
    if (type instanceof String && !TYPES.contains(typeName)) {
      problems.add(
          path + "." + TYPE,
          "unknown catalog type \"" + type + "\" (known: " + String.join(", ", TYPES) + ")");
    } else if (typeName != null && CatalogJars.missing(typeName) != null) {
      // a missing jar is known without connecting, so validate says it, not the first run
      problems.add(path + "." + TYPE, CatalogJars.missing(typeName));
    } else if (type != null && !(type instanceof String)) {
      problems.add(
          path + "." + TYPE,
          "must be one of " + String.join(", ", TYPES) + " (given " + type + ")");
    }
    if (type != null && impl != null) {
      problems.add(
          path + "." + CATALOG_IMPL,
          "cannot be combined with type \"" + type + "\"; give one of them");
    }
    Object name = catalogSection.get(NAME);
    if (name != null && (!(name instanceof String s) || s.isBlank())) {
      problems.add(path + "." + NAME, "must be a non-empty name (given " + name + ")");
    }
    Object uri = catalogSection.get(URI);
    Object warehouse = catalogSection.get(WAREHOUSE);
    boolean jdbc = typeName == null ? impl == null : typeName.equals("jdbc");
    if (jdbc && uri instanceof String u && !u.startsWith("jdbc:")) {
      problems.add(
          path + "." + URI, "must be a JDBC URL starting with \"jdbc:\" (given \"" + u + "\")");
    }
    if (jdbc
        && uri == null
        && warehouse instanceof String w
        && isUri(w)
        && !w.startsWith("file:")) {
      problems.add(
          path + "." + URI,
          "is required for a jdbc catalog whose warehouse is not a local path (warehouse \""
              + w
              + "\")");
    }
    if (("rest".equals(typeName) || "nessie".equals(typeName)) && uri == null) {
      problems.add(path + "." + URI, "is required for catalog type " + typeName);
    }
    if ("hadoop".equals(typeName) && warehouse == null) {
      problems.add(path + "." + WAREHOUSE, "is required for catalog type hadoop");
    }
  }

  private static String kind(Object value) {
    return value instanceof Map<?, ?> ? "a mapping" : "a list";
  }

  /**
   * A copy of catalog properties fit for printing: values of keys that look like secrets
   * (passwords, tokens, credentials, secret and access keys) are replaced by {@code ******}, and so
   * are {@code password=}, {@code secret=} and {@code token=} parameters inside values such as JDBC
   * URLs; values read from the environment or files show their references ({@link
   * Secrets#maskText}).
   */
  public static Map<String, String> masked(Map<String, String> properties) {
    Map<String, String> out = new LinkedHashMap<>();
    properties.forEach(
        (k, v) ->
            out.put(
                k,
                SECRET_KEY.matcher(k).matches()
                    ? "******"
                    : Secrets.maskText(SECRET_IN_URI.matcher(v).replaceAll("$1******"))));
    return out;
  }
}
