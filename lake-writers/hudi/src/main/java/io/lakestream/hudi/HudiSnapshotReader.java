package io.lakestream.hudi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.util.Utf8;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hudi.avro.HoodieAvroReaderContext;
import org.apache.hudi.common.config.TypedProperties;
import org.apache.hudi.common.engine.HoodieLocalEngineContext;
import org.apache.hudi.common.model.FileSlice;
import org.apache.hudi.common.schema.HoodieSchema;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.TableSchemaResolver;
import org.apache.hudi.common.table.read.HoodieFileGroupReader;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.common.table.timeline.HoodieTimeline;
import org.apache.hudi.common.table.view.HoodieTableFileSystemView;
import org.apache.hudi.common.util.Option;
import org.apache.hudi.common.util.collection.ClosableIterator;
import org.apache.hudi.storage.StorageConfiguration;

/**
 * Reads the snapshot of a Hudi table with Hudi's own file-group reader: for each file group the
 * latest file slice of the completed timeline, its base file merged with its log files (the
 * merge-on-read snapshot view, not only the base files), deletes applied. For tests, {@code
 * describe} and other readers that must see what a query engine sees; values come back as plain
 * Java values (strings, numbers), so no Hudi or Avro type leaves the module.
 */
public final class HudiSnapshotReader {
  private HudiSnapshotReader() {}

  /**
   * Every row of the table at {@code basePath}, as column name to value, Hudi's meta columns
   * ({@code _hoodie_*}) included: strings as {@link String}, decimals as {@link BigDecimal}, other
   * values as Hudi's reader gives them (timestamps as {@link java.time.Instant}, binary values as
   * {@link ByteBuffer}).
   *
   * @throws UncheckedIOException if the table cannot be read
   */
  public static List<Map<String, Object>> read(String basePath) {
    return read(basePath, Map.of());
  }

  /**
   * Every row of the table at {@code basePath} in storage reached with {@code storage}, the keys of
   * {@code sink.hudi.storage} (e.g. {@code s3.endpoint}); see {@link #read(String)}.
   *
   * @throws UncheckedIOException if the table cannot be read
   */
  public static List<Map<String, Object>> read(String basePath, Map<String, String> storage) {
    StorageConfiguration<Configuration> conf = HudiTable.storageConf(storage);
    HoodieTableMetaClient meta =
        HoodieTableMetaClient.builder()
            .setConf(conf)
            .setBasePath(basePath)
            .setLoadActiveTimelineOnLoad(true)
            .build();
    HoodieTimeline completed = meta.getCommitsAndCompactionTimeline().filterCompletedInstants();
    Option<HoodieInstant> last = completed.lastInstant();
    List<Map<String, Object>> rows = new ArrayList<>();
    if (!last.isPresent()) {
      return rows;
    }
    String latest = last.get().requestedTime();
    try {
      HoodieSchema schema = new TableSchemaResolver(meta).getTableSchema();
      HoodieTableFileSystemView view =
          HoodieTableFileSystemView.fileListingBasedFileSystemView(
              new HoodieLocalEngineContext(conf), meta, completed);
      for (String partition : partitions(basePath, storage)) {
        for (FileSlice slice :
            (Iterable<FileSlice>)
                view.getLatestMergedFileSlicesBeforeOrOn(partition, latest)::iterator) {
          HoodieFileGroupReader<IndexedRecord> reader =
              HoodieFileGroupReader.<IndexedRecord>builder()
                  .withReaderContext(
                      new HoodieAvroReaderContext(
                          conf, meta.getTableConfig(), Option.empty(), Option.empty()))
                  .withHoodieTableMetaClient(meta)
                  .withLatestCommitTime(latest)
                  .withBaseFileOption(slice.getBaseFile())
                  .withLogFiles(slice.getLogFiles())
                  .withPartitionPath(partition)
                  .withDataSchema(schema)
                  .withRequestedSchema(schema)
                  .withProps(new TypedProperties())
                  .build();
          try (reader;
              ClosableIterator<IndexedRecord> it = reader.getClosableIterator()) {
            while (it.hasNext()) {
              rows.add(values(it.next()));
            }
          }
        }
      }
      view.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read Hudi table at " + basePath, e);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot read Hudi table at " + basePath + ": " + e, e);
    }
    return rows;
  }

  private static Map<String, Object> values(IndexedRecord record) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (org.apache.avro.Schema.Field f : record.getSchema().getFields()) {
      values.put(f.name(), value(record.get(f.pos()), AvroRows.nonNull(f.schema())));
    }
    return values;
  }

  /** Strings as {@link String}, decimals as {@link BigDecimal}; other values as Avro has them. */
  private static Object value(Object v, org.apache.avro.Schema type) {
    if (v instanceof Utf8) {
      return v.toString();
    }
    if (v instanceof ByteBuffer b && type.getLogicalType() instanceof LogicalTypes.Decimal d) {
      byte[] unscaled = new byte[b.remaining()];
      b.duplicate().get(unscaled);
      return new BigDecimal(new BigInteger(unscaled), d.getScale());
    }
    return v;
  }

  /** The table's partition paths relative to the base path ({@code ""} when unpartitioned). */
  static List<String> partitions(String basePath, Map<String, String> storage) throws IOException {
    Path base = new Path(basePath);
    FileSystem fs = base.getFileSystem(HadoopStorage.conf(storage));
    List<String> partitions = new ArrayList<>();
    collect(fs, base, "", partitions);
    return partitions;
  }

  private static void collect(FileSystem fs, Path dir, String relative, List<String> out)
      throws IOException {
    boolean isPartition = false;
    List<FileStatus> children = List.of(fs.listStatus(dir));
    for (FileStatus child : children) {
      if (child.getPath().getName().startsWith(".hoodie_partition_metadata")) {
        isPartition = true;
      }
    }
    if (isPartition) {
      out.add(relative);
    }
    for (FileStatus child : children) {
      String name = child.getPath().getName();
      if (child.isDirectory() && !name.startsWith(".")) {
        collect(fs, child.getPath(), relative.isEmpty() ? name : relative + "/" + name, out);
      }
    }
  }
}
