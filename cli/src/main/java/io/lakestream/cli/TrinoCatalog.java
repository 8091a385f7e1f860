package io.lakestream.cli;

import io.lakestream.core.spec.Secrets;
import io.lakestream.core.spec.SpecException;
import io.lakestream.core.spec.SpecProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Trino catalog properties that point Trino's Iceberg connector at the Iceberg catalog
 * lakestream writes to: the same JDBC database (SQLite or PostgreSQL) or REST service, the same
 * catalog name and warehouse.
 *
 * <p>Secrets (the database password, a REST credential or token) are written as Trino's {@code
 * ${ENV:VAR}} references unless asked for in clear, so the file can be shared; every such variable
 * is named in a comment.
 *
 * @param lines the file's lines: comments, then {@code key=value} lines
 */
record TrinoCatalog(List<String> lines) {
  /** The variable a password is read from when the caller names none. */
  static final String DEFAULT_SECRET_ENV = "LAKESTREAM_CATALOG_PASSWORD";

  TrinoCatalog {
    lines = List.copyOf(lines);
  }

  /**
   * Builds the properties for the catalog lakestream loads with {@code icebergProperties}.
   *
   * @param catalogName the Iceberg catalog's name (the spec's {@code catalog.name})
   * @param iceberg the Iceberg catalog properties, defaults applied and the warehouse resolved
   * @param workDir what a relative SQLite path is resolved against, as lakestream does
   * @param secretEnv the environment variable Trino reads the secret from
   * @param showSecrets write secrets in clear instead of as {@code ${ENV:secretEnv}}
   * @throws SpecException if the catalog is of a kind Trino's Iceberg connector cannot share
   */
  static TrinoCatalog of(
      String catalogName,
      Map<String, String> iceberg,
      Path workDir,
      String secretEnv,
      boolean showSecrets) {
    String type = iceberg.getOrDefault("type", "custom (" + iceberg.get("catalog-impl") + ")");
    Map<String, String> props = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    props.put("connector.name", "iceberg");
    String secret = showSecrets ? null : "${ENV:" + secretEnv + "}";
    switch (type) {
      case "jdbc" -> jdbc(catalogName, iceberg, workDir, secret, props, notes);
      case "rest" -> rest(iceberg, secret, props, notes);
      default ->
          throw problem(
              "sink.iceberg.catalog.type",
              "trino-catalog supports the jdbc and rest catalogs; for a "
                  + type
                  + " catalog write Trino's catalog file by hand (Trino's Iceberg connector docs"
                  + " list its catalog types)");
    }
    fileSystem(iceberg.get("warehouse"), props, notes);
    List<String> lines = new ArrayList<>(notes);
    props.forEach((k, v) -> lines.add(k + "=" + v));
    return new TrinoCatalog(lines);
  }

  private static void jdbc(
      String catalogName,
      Map<String, String> iceberg,
      Path workDir,
      String secret,
      Map<String, String> props,
      List<String> notes) {
    String url = iceberg.get("uri");
    props.put("iceberg.catalog.type", "jdbc");
    props.put("iceberg.jdbc-catalog.catalog-name", catalogName);
    if (url.startsWith("jdbc:sqlite:")) {
      props.put("iceberg.jdbc-catalog.driver-class", "org.sqlite.JDBC");
      url = absoluteSqlite(url, workDir);
      notes.add(
          "# Trino's Iceberg plugin has no SQLite driver: copy sqlite-jdbc-<version>.jar (Maven"
              + " Central, org.xerial) into <trino>/plugin/iceberg/ first.");
      notes.add(
          "# SQLite allows one writer at a time: this file is for reading while lakestream writes.");
    } else if (url.startsWith("jdbc:postgresql:")) {
      props.put("iceberg.jdbc-catalog.driver-class", "org.postgresql.Driver");
    } else {
      throw problem(
          "sink.iceberg.catalog.uri",
          "trino-catalog knows the drivers of SQLite and PostgreSQL catalogs only (given \""
              + Secrets.maskText(url)
              + "\"); write Trino's catalog file by hand with"
              + " iceberg.jdbc-catalog.driver-class");
    }
    if (secret != null && !Secrets.maskText(url).equals(url)) {
      notes.add(
          "# The connection URL holds a secret, masked here: fill it in, or use --show-secrets.");
      url = Secrets.maskText(url);
    }
    props.put("iceberg.jdbc-catalog.connection-url", url);
    if (iceberg.containsKey("jdbc.user")) {
      props.put("iceberg.jdbc-catalog.connection-user", iceberg.get("jdbc.user"));
    }
    if (iceberg.containsKey("jdbc.password")) {
      props.put(
          "iceberg.jdbc-catalog.connection-password",
          secret(iceberg.get("jdbc.password"), secret, "the database password", notes));
    }
    props.put("iceberg.jdbc-catalog.default-warehouse-dir", iceberg.get("warehouse"));
  }

  private static void rest(
      Map<String, String> iceberg, String secret, Map<String, String> props, List<String> notes) {
    props.put("iceberg.catalog.type", "rest");
    props.put("iceberg.rest-catalog.uri", iceberg.get("uri"));
    if (iceberg.containsKey("warehouse")) {
      props.put("iceberg.rest-catalog.warehouse", iceberg.get("warehouse"));
    }
    for (String key : List.of("credential", "token")) {
      if (iceberg.containsKey(key)) {
        props.put("iceberg.rest-catalog.security", "OAUTH2");
        props.put(
            "iceberg.rest-catalog.oauth2." + key,
            secret(iceberg.get(key), secret, "the catalog's OAuth2 " + key, notes));
      }
    }
  }

  /** Where the data files are: the local file system, or S3 (whose credentials Trino needs too). */
  private static void fileSystem(String warehouse, Map<String, String> props, List<String> notes) {
    if (warehouse == null || warehouse.startsWith("file:")) {
      props.put("fs.native-local.enabled", "true");
      props.put("local.location", "/");
    } else if (warehouse.startsWith("s3://") || warehouse.startsWith("s3a://")) {
      props.put("fs.native-s3.enabled", "true");
      notes.add(
          "# The warehouse is on S3: add s3.region and either an IAM role or s3.aws-access-key and"
              + " s3.aws-secret-key (as ${ENV:...}), and s3.endpoint for other S3 stores.");
    } else {
      notes.add(
          "# The warehouse is "
              + warehouse
              + ": add the fs.* properties of that file system (Trino's file system docs).");
    }
  }

  private static String secret(String value, String reference, String what, List<String> notes) {
    if (reference == null) {
      return value;
    }
    notes.add(
        "# Trino reads "
            + what
            + " from "
            + reference.substring(6, reference.length() - 1)
            + ": set it in Trino's environment.");
    return reference;
  }

  /** Trino runs elsewhere: a SQLite path must not depend on the working directory. */
  private static String absoluteSqlite(String url, Path workDir) {
    String file = url.substring("jdbc:sqlite:".length());
    String query = "";
    int q = file.indexOf('?');
    if (q >= 0) {
      query = file.substring(q);
      file = file.substring(0, q);
    }
    if (file.startsWith("file:")) {
      file = file.substring("file:".length());
    }
    return "jdbc:sqlite:" + workDir.resolve(file).toAbsolutePath().normalize() + query;
  }

  private static SpecException problem(String path, String message) {
    return new SpecException(List.of(new SpecProblem(path, message)));
  }
}
