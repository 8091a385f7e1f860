package io.lakestream.core.spec;

import static io.lakestream.core.spec.SpecOptions.ELEMENT_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.ELEMENT_REQUIRED;
import static io.lakestream.core.spec.SpecOptions.FIELDS;
import static io.lakestream.core.spec.SpecOptions.FIELD_DOC;
import static io.lakestream.core.spec.SpecOptions.FIELD_ELEMENT;
import static io.lakestream.core.spec.SpecOptions.FIELD_FIELDS;
import static io.lakestream.core.spec.SpecOptions.FIELD_FORMAT;
import static io.lakestream.core.spec.SpecOptions.FIELD_NAME;
import static io.lakestream.core.spec.SpecOptions.FIELD_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.FIELD_REQUIRED;
import static io.lakestream.core.spec.SpecOptions.FIELD_TYPE;
import static io.lakestream.core.spec.SpecOptions.SCHEMA_OPTIONS;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.SchemaSpec.TimestampFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code schema} section: fields with their types, nested structs and lists, and how each
 * timestamp is written. Besides the schema it returns the top-level columns as far as they could be
 * read, so that transforms are checked against the fields a user declared even when some of them
 * have mistakes.
 */
final class SchemaReader {

  /**
   * A top-level column as far as the schema says.
   *
   * @param name the column's name
   * @param type its type, or null when the spec's type for it has a problem (already reported)
   */
  record Column(String name, DataType type) {}

  /**
   * What the schema section yields.
   *
   * @param spec the schema, or null when the section has problems
   * @param columns the top-level columns whose names could be read, or null when not even that
   */
  record Result(SchemaSpec spec, List<Column> columns) {}

  /** One field as read; {@code field} is null when it has a problem. */
  private record ReadField(String name, DataType type, Field field) {}

  private final Problems problems;
  private final Map<String, TimestampFormat> formats = new LinkedHashMap<>();

  SchemaReader(Problems problems) {
    this.problems = problems;
  }

  /** Reads a schema section, reporting its problems. */
  Result read(JsonNode node, String path) {
    Section section = Section.read(node, path, SCHEMA_OPTIONS, problems);
    JsonNode fieldsNode = section.value(FIELDS);
    if (fieldsNode == null) {
      return new Result(null, null);
    }
    List<ReadField> fields = readFields(fieldsNode, section.pathOf(FIELDS), "");
    if (fields == null) {
      return new Result(null, null);
    }
    List<Column> columns = new ArrayList<>();
    for (ReadField f : fields) {
      if (f.name() != null) {
        columns.add(new Column(f.name(), f.type()));
      }
    }
    Schema schema = schemaOf(fields);
    return new Result(schema == null ? null : new SchemaSpec(schema, formats), columns);
  }

  /** The fields of a list node, or null when the node is not a non-empty list. */
  private List<ReadField> readFields(JsonNode node, String at, String prefix) {
    if (!node.isArray()) {
      problems.add(at, "must be a list of fields (got " + Section.describe(node) + ")");
      return null;
    }
    if (node.isEmpty()) {
      problems.add(at, "must not be empty");
      return null;
    }
    List<ReadField> fields = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      fields.add(readField(node.get(i), Section.index(at, i), prefix, seen));
    }
    return fields;
  }

  private ReadField readField(JsonNode node, String at, String prefix, Set<String> seen) {
    if (!node.isObject()) {
      problems.add(at, "must be a map with a name and a type (got " + Section.describe(node) + ")");
      return new ReadField(null, null, null);
    }
    Section section = Section.read(node, at, FIELD_OPTIONS, problems);
    String name = section.string(FIELD_NAME);
    boolean ok = name != null;
    if (name != null && !TypeNames.isValidName(name)) {
      problems.add(
          section.pathOf(FIELD_NAME), TypeNames.NAME_RULE + " (got " + Section.quote(name) + ")");
      name = null;
      ok = false;
    } else if (name != null && !seen.add(name)) {
      problems.add(section.pathOf(FIELD_NAME), "duplicate field " + Section.quote(name));
      // the first field of this name is the column; this one adds nothing
      name = null;
      ok = false;
    }
    DataType type = readType(section, prefix + (name == null ? "?" : name));
    Boolean required = section.bool(FIELD_REQUIRED);
    String doc = section.has(FIELD_DOC) ? section.string(FIELD_DOC) : null;
    ok &= type != null && required != null && (doc != null || !section.has(FIELD_DOC));
    return new ReadField(name, type, ok ? new Field(name, type, required, doc) : null);
  }

  /**
   * Reads the type of a field map or an element map: {@code type} and, depending on it, {@code
   * fields}, {@code element} or {@code format}. {@code dotted} is the value's path in a record,
   * under which a timestamp's format is recorded; a list's elements share the list's path.
   */
  private DataType readType(Section section, String dotted) {
    String name = section.string(FIELD_TYPE);
    if (name == null) {
      return null;
    }
    boolean struct = TypeNames.isNested(name, TypeNames.STRUCT);
    boolean list = TypeNames.isNested(name, TypeNames.LIST);
    DataType scalar =
        struct || list ? null : TypeNames.scalar(name, section.pathOf(FIELD_TYPE), problems, true);
    if (!struct && !list && scalar == null) {
      return null; // what the other keys mean depends on a type we do not know
    }
    onlyFor(section, FIELD_FIELDS, struct, "struct");
    onlyFor(section, FIELD_ELEMENT, list, "list");
    onlyFor(section, FIELD_FORMAT, scalar == DataType.Primitive.TIMESTAMP, "timestamp");
    if (struct) {
      return readStruct(section, dotted);
    }
    if (list) {
      return readList(section, dotted);
    }
    if (scalar == DataType.Primitive.TIMESTAMP) {
      TimestampFormat format = section.choice(FIELD_FORMAT);
      if (format == null) {
        return null;
      }
      formats.put(dotted, format);
    }
    return scalar;
  }

  private void onlyFor(Section section, SpecOption<?> option, boolean applies, String type) {
    if (!applies && section.has(option)) {
      problems.add(section.pathOf(option), "only applies to type " + type);
    }
  }

  private DataType readStruct(Section section, String dotted) {
    if (!section.has(FIELD_FIELDS)) {
      problems.add(section.pathOf(FIELD_FIELDS), "is required for type struct");
      return null;
    }
    List<ReadField> fields =
        readFields(section.value(FIELD_FIELDS), section.pathOf(FIELD_FIELDS), dotted + ".");
    if (fields == null) {
      return null;
    }
    Schema schema = schemaOf(fields);
    return schema == null ? null : new DataType.Struct(schema);
  }

  private DataType readList(Section section, String dotted) {
    String at = section.pathOf(FIELD_ELEMENT);
    if (!section.has(FIELD_ELEMENT)) {
      problems.add(at, "is required for type list");
      return null;
    }
    JsonNode element = section.value(FIELD_ELEMENT);
    if (element.isTextual()) {
      String name = element.textValue();
      if (TypeNames.isNested(name, TypeNames.STRUCT) || TypeNames.isNested(name, TypeNames.LIST)) {
        problems.add(
            at,
            "must be an element map for a struct or list element, e.g. {type: struct, fields:"
                + " [...]} (got "
                + Section.quote(name)
                + ")");
        return null;
      }
      DataType scalar = TypeNames.scalar(name, at, problems, true);
      if (scalar == DataType.Primitive.TIMESTAMP) {
        formats.put(dotted, TimestampFormat.ISO_8601);
      }
      return scalar == null ? null : new DataType.ListOf(scalar, false);
    }
    if (!element.isObject()) {
      problems.add(
          at, "must be a type name or an element map (got " + Section.describe(element) + ")");
      return null;
    }
    Section elementSection = Section.read(element, at, ELEMENT_OPTIONS, problems);
    DataType type = readType(elementSection, dotted);
    Boolean required = elementSection.bool(ELEMENT_REQUIRED);
    return type == null || required == null ? null : new DataType.ListOf(type, required);
  }

  /** The schema of fields that all read without problems, or null. */
  private static Schema schemaOf(List<ReadField> fields) {
    List<Field> result = new ArrayList<>();
    for (ReadField f : fields) {
      if (f.field() == null) {
        return null;
      }
      result.add(f.field());
    }
    return new Schema(result);
  }
}
