package io.lakestream.iceberg;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.transforms.Transform;
import org.apache.iceberg.transforms.Transforms;
import org.apache.iceberg.types.Types;

/**
 * One entry of {@code partition-by}: a transform applied to a column, written as {@code col},
 * {@code identity(col)}, {@code day(col)}, {@code bucket(16, col)} or {@code truncate(4, col)}.
 *
 * @param transform the transform's name, lower case
 * @param argument the bucket count or truncate width; 0 for other transforms
 * @param column the source column; a dotted name reaches into a struct
 */
record PartitionField(String transform, int argument, String column) {

  /** The transforms, in the order messages list them. */
  static final List<String> TRANSFORMS =
      List.of("identity", "year", "month", "day", "hour", "bucket", "truncate");

  private static final String NAME = "[A-Za-z_][A-Za-z0-9_]*";
  private static final Pattern COLUMN = Pattern.compile(NAME + "(\\." + NAME + ")*");
  private static final Pattern CALL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*\\((.*)\\)");

  /**
   * Parses one entry.
   *
   * @throws IllegalArgumentException with a message fit for a spec problem
   */
  static PartitionField parse(Object entry) {
    if (!(entry instanceof String text)) {
      throw new IllegalArgumentException(
          "must be a transform such as day(event_time) (given " + entry + ")");
    }
    String s = text.trim();
    if (COLUMN.matcher(s).matches()) {
      return new PartitionField("identity", 0, s);
    }
    Matcher call = CALL.matcher(s);
    if (!call.matches()) {
      throw new IllegalArgumentException(
          "cannot parse \""
              + text
              + "\" as a partition transform; use a column name or transform(column),"
              + " e.g. day(event_time)");
    }
    String transform = call.group(1).toLowerCase(Locale.ROOT);
    if (!TRANSFORMS.contains(transform)) {
      throw new IllegalArgumentException(
          "unknown transform \""
              + call.group(1)
              + "\" (known: "
              + String.join(", ", TRANSFORMS)
              + ")");
    }
    String[] args = call.group(2).split(",", -1);
    boolean parameterized = transform.equals("bucket") || transform.equals("truncate");
    if (!parameterized) {
      String column = args[0].trim();
      if (args.length != 1 || !COLUMN.matcher(column).matches()) {
        throw new IllegalArgumentException(
            "\""
                + text
                + "\": "
                + transform
                + " takes one column, e.g. "
                + transform
                + "(event_time)");
      }
      return new PartitionField(transform, 0, column);
    }
    String what = transform.equals("bucket") ? "a bucket count" : "a width";
    String example = transform.equals("bucket") ? "bucket(16, user_id)" : "truncate(4, name)";
    if (args.length != 2 || !COLUMN.matcher(args[1].trim()).matches()) {
      throw new IllegalArgumentException(
          "\"" + text + "\": " + transform + " takes " + what + " and a column, e.g. " + example);
    }
    int argument;
    try {
      argument = Integer.parseInt(args[0].trim());
    } catch (NumberFormatException e) {
      argument = 0;
    }
    if (argument <= 0) {
      throw new IllegalArgumentException(
          "\""
              + text
              + "\": "
              + what
              + " must be a positive integer (given "
              + args[0].trim()
              + ")");
    }
    return new PartitionField(transform, argument, args[1].trim());
  }

  /**
   * Adds this field to a spec being built.
   *
   * @throws IllegalArgumentException if the column is absent or the transform cannot apply to its
   *     type; the message names the column and type
   */
  void addTo(PartitionSpec.Builder builder, Schema schema) {
    Types.NestedField field = schema.findField(column);
    if (field == null) {
      throw new IllegalArgumentException(
          "column \""
              + column
              + "\" is not in the schema (columns: "
              + String.join(", ", schema.columns().stream().map(Types.NestedField::name).toList())
              + ")");
    }
    if (!transformObject().canTransform(field.type())) {
      throw new IllegalArgumentException(
          "cannot apply "
              + transform
              + " to column \""
              + column
              + "\" of type "
              + SchemaConverter.typeName(field.type()));
    }
    switch (transform) {
      case "identity" -> builder.identity(column);
      case "year" -> builder.year(column);
      case "month" -> builder.month(column);
      case "day" -> builder.day(column);
      case "hour" -> builder.hour(column);
      case "bucket" -> builder.bucket(column, argument);
      case "truncate" -> builder.truncate(column, argument);
      default -> throw new IllegalStateException("Unknown transform " + transform);
    }
  }

  private Transform<?, ?> transformObject() {
    return switch (transform) {
      case "identity" -> Transforms.identity();
      case "year" -> Transforms.year();
      case "month" -> Transforms.month();
      case "day" -> Transforms.day();
      case "hour" -> Transforms.hour();
      case "bucket" -> Transforms.bucket(argument);
      case "truncate" -> Transforms.truncate(argument);
      default -> throw new IllegalStateException("Unknown transform " + transform);
    };
  }

  @Override
  public String toString() {
    return switch (transform) {
      case "identity" -> column;
      case "bucket", "truncate" -> transform + "(" + argument + ", " + column + ")";
      default -> transform + "(" + column + ")";
    };
  }
}
