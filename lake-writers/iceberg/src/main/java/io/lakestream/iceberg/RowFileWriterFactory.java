package io.lakestream.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.parquet.InternalWriter;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.FileWriterFactory;
import org.apache.iceberg.parquet.Parquet;

/**
 * Opens Parquet data and delete files written with Iceberg's internal object model ({@link
 * InternalWriter}), which takes {@link RowStruct}s as they are. Append mode writes data files only;
 * upsert mode also writes equality deletes (rows of the key columns) and position deletes.
 */
final class RowFileWriterFactory implements FileWriterFactory<StructLike> {
  private final Schema fileSchema;
  private final Map<String, String> tableProperties;
  private final MetricsConfig metricsConfig;
  private final Schema keySchema;
  private final MetricsConfig positionDeleteMetricsConfig;

  /**
   * A factory of data files only.
   *
   * @param fileSchema the schema files are written with, see {@link SchemaConverter#writeSchema}
   * @param tableProperties the table's properties (compression, row-group size, ...)
   * @param metricsConfig which column metrics to keep
   */
  RowFileWriterFactory(
      Schema fileSchema, Map<String, String> tableProperties, MetricsConfig metricsConfig) {
    this(fileSchema, tableProperties, metricsConfig, null, null);
  }

  /**
   * A factory of data files and delete files.
   *
   * @param keySchema the key columns, in the order of equality delete rows
   * @param positionDeleteMetricsConfig which metrics position delete files keep
   */
  RowFileWriterFactory(
      Schema fileSchema,
      Map<String, String> tableProperties,
      MetricsConfig metricsConfig,
      Schema keySchema,
      MetricsConfig positionDeleteMetricsConfig) {
    this.fileSchema = fileSchema;
    this.tableProperties = Map.copyOf(tableProperties);
    this.metricsConfig = metricsConfig;
    this.keySchema = keySchema;
    this.positionDeleteMetricsConfig = positionDeleteMetricsConfig;
  }

  @Override
  public DataWriter<StructLike> newDataWriter(
      EncryptedOutputFile file, PartitionSpec spec, StructLike partition) {
    try {
      return Parquet.writeData(file)
          .schema(fileSchema)
          .setAll(tableProperties)
          .metricsConfig(metricsConfig)
          .createWriterFunc(InternalWriter::createWriter)
          .withSpec(spec)
          .withPartition(partition)
          .overwrite()
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot open data file " + file.encryptingOutputFile().location(), e);
    }
  }

  @Override
  public EqualityDeleteWriter<StructLike> newEqualityDeleteWriter(
      EncryptedOutputFile file, PartitionSpec spec, StructLike partition) {
    if (keySchema == null) {
      throw new UnsupportedOperationException("Append mode writes no delete files");
    }
    try {
      return Parquet.writeDeletes(file)
          .rowSchema(keySchema)
          .equalityFieldIds(keySchema.columns().stream().mapToInt(f -> f.fieldId()).toArray())
          .setAll(tableProperties)
          .metricsConfig(metricsConfig)
          .createWriterFunc(InternalWriter::createWriter)
          .withSpec(spec)
          .withPartition(partition)
          .overwrite()
          .buildEqualityWriter();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot open delete file " + file.encryptingOutputFile().location(), e);
    }
  }

  @Override
  public PositionDeleteWriter<StructLike> newPositionDeleteWriter(
      EncryptedOutputFile file, PartitionSpec spec, StructLike partition) {
    if (keySchema == null) {
      throw new UnsupportedOperationException("Append mode writes no delete files");
    }
    try {
      return Parquet.writeDeletes(file)
          .setAll(tableProperties)
          .metricsConfig(positionDeleteMetricsConfig)
          .withSpec(spec)
          .withPartition(partition)
          .overwrite()
          .buildPositionWriter();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot open delete file " + file.encryptingOutputFile().location(), e);
    }
  }
}
