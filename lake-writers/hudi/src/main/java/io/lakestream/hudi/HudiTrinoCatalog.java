package io.lakestream.hudi;

import io.lakestream.core.spec.Problems;
import io.lakestream.core.spec.SpecException;
import io.lakestream.core.spec.SpecProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Trino catalog properties that let Trino's Hudi connector read the tables a {@code sink.hudi}
 * section writes: the file metastore its {@code sync} section keeps, and the file system of its
 * base path.
 *
 * @param lines the file's lines: comments, then {@code key=value} lines
 * @param table the table's name in the catalog, {@code schema.table}
 */
public record HudiTrinoCatalog(List<String> lines, String table) {

  public HudiTrinoCatalog {
    lines = List.copyOf(lines);
  }

  /**
   * Builds the properties for a {@code sink.hudi} section.
   *
   * @param section the section as the spec holds it
   * @param lakestreamTable the sink's table, {@code namespace.name}
   * @throws SpecException if the section is invalid or registers its tables nowhere Trino reads
   */
  public static HudiTrinoCatalog of(Map<String, Object> section, String lakestreamTable) {
    String path = "sink." + HudiSinkFactory.TYPE;
    Problems problems = new Problems();
    HudiSinkConfig hudi = HudiSinkConfig.parse(section, path, problems);
    TableSyncConfig sync = TableSyncConfig.parse(section, path, problems);
    problems.throwIfAny();
    if (sync == null) {
      throw new SpecException(
          List.of(
              new SpecProblem(
                  path + "." + TableSyncConfig.KEY,
                  "is needed for Trino: Trino's Hudi connector reads tables from a metastore and"
                      + " cannot create them, so lakestream must register them; add sync: {type:"
                      + " trino-file-metastore, dir: warehouse/trino-metastore}")));
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        "# Trino's Hudi connector reads copy-on-write tables, and merge-on-read tables"
            + " read-optimized: rows still in log files show after compaction.");
    lines.add("connector.name=hudi");
    lines.add("hive.metastore=file");
    lines.add("hive.metastore.catalog.dir=" + sync.dir().toUri().toString().replaceAll("/+$", ""));
    // lakestream's metastore files carry no Trino version
    lines.add("hive.metastore.version-compatibility=UNSAFE_ASSUME_COMPATIBILITY");
    // the metastore is a local directory, whatever file system holds the table
    lines.add("fs.native-local.enabled=true");
    lines.add("local.location=/");
    String base = hudi.path();
    if (base.startsWith("s3://") || base.startsWith("s3a://")) {
      lines.add(
          0,
          "# The table is on S3: add s3.region and either an IAM role or s3.aws-access-key and"
              + " s3.aws-secret-key (as ${ENV:...}), and s3.endpoint for other S3 stores.");
      lines.add("fs.native-s3.enabled=true");
    }
    return new HudiTrinoCatalog(
        lines, sync.schemaOf(lakestreamTable) + "." + TableSyncConfig.tableOf(lakestreamTable));
  }
}
