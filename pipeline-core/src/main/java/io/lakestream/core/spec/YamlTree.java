package io.lakestream.core.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Turns YAML text into a Jackson tree, reporting a syntax error, a duplicate key or a second
 * document as one problem with its line and column; and turns tree nodes into plain Java values for
 * the parts of a spec that other modules read.
 */
final class YamlTree {
  private static final YAMLMapper MAPPER =
      YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  private YamlTree() {}

  /** The single document in {@code yaml}, or null after reporting at {@code root} why not. */
  static JsonNode read(String yaml, String root, Problems problems) {
    try (JsonParser parser = MAPPER.createParser(yaml)) {
      JsonNode first = MAPPER.readTree(parser);
      if (Section.isAbsent(first)) {
        problems.add(root, "is empty");
        return null;
      }
      if (parser.nextToken() != null) {
        problems.add(
            root,
            "must be one YAML document (found another at line "
                + parser.currentTokenLocation().getLineNr()
                + ")");
        return null;
      }
      if (!first.isObject()) {
        problems.add(root, "must be a map of sections (got " + Section.describe(first) + ")");
        return null;
      }
      return first;
    } catch (JsonProcessingException e) {
      SpecProblem problem = problemOf(e, root);
      problems.add(problem.path(), problem.message());
      return null;
    } catch (IOException e) {
      // reading from a String does no I/O; Jackson declares it for all sources
      throw new IllegalStateException("Unexpected error reading YAML from a string", e);
    }
  }

  private static SpecProblem problemOf(JsonProcessingException e, String root) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
        String message = "YAML syntax error at " + position(yaml.getProblemMark());
        message += ": " + yaml.getProblem();
        if (yaml.getContext() != null && yaml.getContextMark() != null) {
          message += " (" + yaml.getContext() + " at " + position(yaml.getContextMark()) + ")";
        }
        return new SpecProblem(root, message);
      }
    }
    String where = "";
    JsonLocation location = e.getLocation();
    if (location != null && location.getLineNr() > 0) {
      where = " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
    String key = duplicateKeyPath(e);
    if (key != null) {
      // Jackson's column is where the key ends, which would mislead; the line is right
      String line = location == null ? "" : " at line " + location.getLineNr();
      return new SpecProblem(key, "duplicate key" + line);
    }
    return new SpecProblem(root, "YAML error" + where + ": " + e.getOriginalMessage());
  }

  private static String position(Mark mark) {
    return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
  }

  /** For a duplicate key, its dotted path in the spec; null for other errors. */
  private static String duplicateKeyPath(JsonProcessingException e) {
    if (!String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field")
        || !(e.getProcessor() instanceof JsonParser parser)) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext c = parser.getParsingContext(); c != null; c = c.getParent()) {
      if (c.inObject() && c.getCurrentName() != null) {
        parts.add(0, "." + c.getCurrentName());
      } else if (c.inArray()) {
        parts.add(0, "[" + Math.max(c.getCurrentIndex(), 0) + "]");
      }
    }
    String path = String.join("", parts);
    return path.startsWith(".") ? path.substring(1) : path;
  }

  /**
   * A node as plain, unmodifiable Java values: maps (in document order, without keys whose value is
   * null), lists, strings, numbers ({@code Integer}, {@code Long}, {@code BigInteger}, {@code
   * Double}) and booleans.
   */
  static Object toJava(JsonNode node) {
    if (Section.isAbsent(node)) {
      return null;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        Object value = toJava(e.getValue());
        if (value != null) {
          map.put(e.getKey(), value);
        }
      }
      return Collections.unmodifiableMap(map);
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(toJava(item)));
      return Collections.unmodifiableList(list);
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      if (node.canConvertToInt()) {
        return node.intValue();
      }
      return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    return node.asText();
  }
}
