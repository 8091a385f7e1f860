package io.lakestream.iceberg;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.sink.SinkContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads a sink's table, creating it (and its namespace) when absent. */
final class TableSetup {
  private static final Logger LOG = LoggerFactory.getLogger(TableSetup.class);

  /** The partitioning of every dead-letter table. */
  static final List<PartitionField> DEAD_LETTER_PARTITIONING =
      List.of(new PartitionField("day", 0, "failed_at"));

  private TableSetup() {}

  /**
   * The table, created when absent as a format-version 2 table with the configured partitioning
   * (for the output role) and properties, and in upsert mode with the key columns as identifier
   * fields.
   *
   * @param context the sink's context; in upsert mode its schema has the key columns required
   * @param key the key columns, empty in append mode
   * @throws PipelineException if the table name, a partition column or the catalog fails, or the
   *     identifier fields of an existing table are not the key columns
   */
  static Table loadOrCreate(
      Catalog catalog,
      SinkContext context,
      SinkConfig config,
      List<String> key,
      String optionsPath) {
    TableIdentifier id = identifier(context.table());
    if (catalog.tableExists(id)) {
      return loaded(catalog.loadTable(id), context, config, key);
    }
    if (!key.isEmpty()) {
      KeyColumns.requirePartitionColumnsInKey(
          partitioning(context, config).stream().map(PartitionField::column).toList(),
          key,
          context.table());
    }
    Schema columns = SchemaConverter.toIceberg(context.schema());
    Schema schema =
        key.isEmpty()
            ? columns
            : new Schema(
                columns.columns(),
                key.stream()
                    .map(c -> columns.findField(c).fieldId())
                    .collect(java.util.stream.Collectors.toSet()));
    PartitionSpec spec = spec(schema, partitioning(context, config), context.table(), optionsPath);
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(TableProperties.FORMAT_VERSION, "2");
    properties.put(
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES, Long.toString(config.targetFileSize()));
    properties.putAll(config.properties());
    createNamespace(catalog, id.namespace());
    try {
      Table table =
          catalog
              .buildTable(id, schema)
              .withPartitionSpec(spec)
              .withProperties(properties)
              .create();
      LOG.info(
          "Created table {} (format version 2, {}{})",
          context.table(),
          spec.isUnpartitioned()
              ? "unpartitioned"
              : "partitioned by " + partitioning(context, config),
          key.isEmpty() ? "" : ", key " + key);
      return table;
    } catch (AlreadyExistsException e) {
      // another instance or task created it first
      return loaded(catalog.loadTable(id), context, config, key);
    }
  }

  private static Table loaded(
      Table table, SinkContext context, SinkConfig config, List<String> key) {
    if (!key.isEmpty()) {
      KeyColumns.requireIdentifierFields(table, key, context.table());
    }
    warnIfPartitioningDiffers(table, context, config);
    if (context.role() == SinkContext.Role.DEAD_LETTER) {
      addDeadLetterColumns(table, context);
    }
    return table;
  }

  /**
   * A dead-letter table created before rows that no source record names were dead-lettered lacks
   * their columns ({@code origin}, {@code position}, {@code row}) and has {@code topic}, {@code
   * partition} and {@code offset} required: it gets the columns, and those become optional.
   */
  private static void addDeadLetterColumns(Table table, SinkContext context) {
    Schema wanted = SchemaConverter.toIceberg(context.schema());
    boolean fits =
        wanted.columns().stream()
            .allMatch(
                f -> {
                  var have = table.schema().findField(f.name());
                  return have != null && (f.isRequired() || have.isOptional());
                });
    if (!fits) {
      table.updateSchema().unionByNameWith(wanted).commit();
      LOG.info("Added the columns of refused rows to dead-letter table {}", context.table());
    }
  }

  static TableIdentifier identifier(String table) {
    TableIdentifier id = TableIdentifier.parse(table);
    if (!id.hasNamespace() || id.name().isEmpty()) {
      throw new PipelineException(
          "Table name must be namespace.name, e.g. analytics.orders (given \"" + table + "\")");
    }
    return id;
  }

  private static List<PartitionField> partitioning(SinkContext context, SinkConfig config) {
    return switch (context.role()) {
      case DEAD_LETTER -> DEAD_LETTER_PARTITIONING;
      case LATE_RECORDS -> List.of();
      case OUTPUT -> config.partitionBy();
    };
  }

  /** The spec {@code fields} describe over {@code schema}. */
  static PartitionSpec spec(
      Schema schema, List<PartitionField> fields, String table, String optionsPath) {
    PartitionSpec.Builder builder = PartitionSpec.builderFor(schema);
    for (int i = 0; i < fields.size(); i++) {
      try {
        fields.get(i).addTo(builder, schema);
      } catch (IllegalArgumentException e) {
        String where =
            fields == DEAD_LETTER_PARTITIONING
                ? "dead-letter tables are partitioned by " + fields.get(i)
                : optionsPath + ".partition-by[" + i + "]";
        throw new PipelineException(
            "Cannot partition table " + table + ": " + where + ": " + e.getMessage(), e);
      }
    }
    return builder.build();
  }

  private static void createNamespace(Catalog catalog, Namespace namespace) {
    if (!(catalog instanceof SupportsNamespaces namespaces)) {
      return;
    }
    String[] levels = namespace.levels();
    for (int depth = 1; depth <= levels.length; depth++) {
      Namespace ns = Namespace.of(java.util.Arrays.copyOf(levels, depth));
      if (!namespaces.namespaceExists(ns)) {
        try {
          namespaces.createNamespace(ns);
          LOG.info("Created namespace {}", ns);
        } catch (AlreadyExistsException e) {
          // created concurrently
        }
      }
    }
  }

  private static void warnIfPartitioningDiffers(
      Table table, SinkContext context, SinkConfig config) {
    List<PartitionField> wanted = partitioning(context, config);
    PartitionSpec desired;
    try {
      desired = spec(table.schema(), wanted, context.table(), "sink");
    } catch (PipelineException e) {
      desired = null;
    }
    if (desired == null || !table.spec().compatibleWith(desired)) {
      LOG.warn(
          "Table {} exists with partitioning {}; the configured {} applies only when the table is"
              + " created",
          context.table(),
          IcebergTableInspector.specString(table.spec()),
          wanted.isEmpty() ? "unpartitioned layout" : "partitioning " + wanted);
    }
  }
}
