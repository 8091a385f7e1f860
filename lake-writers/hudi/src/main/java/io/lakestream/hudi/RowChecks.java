package io.lakestream.hudi;

import io.lakestream.core.error.RecordException;
import org.apache.avro.generic.GenericRecord;
import org.apache.hudi.exception.HoodieException;
import org.apache.hudi.keygen.BaseKeyGenerator;

/**
 * What Hudi would reject in a row, checked by the writer before the row is staged: a row that
 * passes is one the committer's single write accepts, so a checkpoint's instant holds all of its
 * rows or none, and a row that fails is a bad record ({@link RecordException}) that the pipeline's
 * error policy dead-letters, skips or fails on, with the source coordinates, instead of failing the
 * commit.
 *
 * <ul>
 *   <li>Its record key and partition path, made by the table's own key generator: Hudi refuses a
 *       record key that is null or empty.
 *   <li>The ordering field of a row that is not a delete: a null value cannot be ordered against
 *       the other versions of its key.
 * </ul>
 *
 * Values that do not fit their column's type (a decimal with more digits) are refused earlier, when
 * the row becomes an Avro record ({@link AvroRows#record}).
 */
final class RowChecks {
  private final BaseKeyGenerator keys;
  private final String orderingField;
  private final String table;

  RowChecks(HudiTable table, String tableName) {
    this.keys = table.keyGenerator();
    this.orderingField = table.config().orderingField();
    this.table = tableName;
  }

  /**
   * Checks one row about to be staged.
   *
   * @param delete whether the row is a delete by key (only its key is read)
   * @throws RecordException naming the table and what Hudi would reject
   */
  void check(GenericRecord row, boolean delete) {
    try {
      keys.getKey(row);
    } catch (HoodieException e) {
      throw rejected(e.getMessage());
    }
    if (!delete && orderingField != null && row.get(orderingField) == null) {
      throw rejected("its ordering field \"" + orderingField + "\" is null");
    }
  }

  private RecordException rejected(String why) {
    return new RecordException("Hudi table " + table + " rejects the row: " + why);
  }
}
