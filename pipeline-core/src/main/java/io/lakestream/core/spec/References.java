package io.lakestream.core.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Replaces references in the string values of a spec with what they name, before the spec is
 * validated (the idea of Kafka Connect's config providers):
 *
 * <ul>
 *   <li>{@code ${env:NAME}}: the environment variable {@code NAME}; a problem if it is not set.
 *   <li>{@code ${env:NAME:-default}}: the variable, or {@code default} when it is unset or empty.
 *   <li>{@code ${file:PATH}}: the content of a UTF-8 file without its final line break, for
 *       secrets mounted as files; a relative {@code PATH} is relative to the spec file.
 *   <li>{@code $${} is a literal {@code ${}.
 * </ul>
 *
 * <p>A reference can be the whole value or a part of it ({@code jdbc:postgresql://db/x?password=
 * ${env:PG_PASSWORD}}). Keys are never resolved. Every reference that cannot be resolved is a
 * problem at the path of its value, and the parser reports no other problem at that path, since the
 * value there is unknown.
 *
 * <p>Every value read from the environment or a file is registered with {@link Secrets#hide} so
 * that whatever the command line prints shows the reference instead of the value: environment
 * variables and files are where secrets come from. A default is written in the spec, so it is not
 * hidden.
 */
final class References {
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final String DEFAULT_SEPARATOR = ":-";

  private final Function<String, String> env;
  private final Path baseDir;
  private final Problems problems;
  private final Set<String> unresolvedPaths = new HashSet<>();

  /**
   * @param env the environment: a variable's value by name, null when it is not set
   * @param baseDir the directory relative {@code ${file:...}} paths are resolved against
   * @param problems where a reference that cannot be resolved is reported
   */
  References(Function<String, String> env, Path baseDir, Problems problems) {
    this.env = env;
    this.baseDir = baseDir;
    this.problems = problems;
  }

  /** The environment of this process. */
  static Function<String, String> systemEnvironment() {
    return System::getenv;
  }

  /** An environment holding exactly these variables. */
  static Function<String, String> environment(Map<String, String> variables) {
    return variables::get;
  }

  /**
   * Resolves every reference in the string values under {@code node}, in place. A string with a
   * reference that cannot be resolved is left as written, and its path is remembered.
   */
  void resolve(JsonNode node, String path) {
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> e : object.properties()) {
        String at = Section.child(path, e.getKey());
        JsonNode value = e.getValue();
        if (value.isTextual()) {
          e.setValue(resolved(value.textValue(), at));
        } else {
          resolve(value, at);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        String at = Section.index(path, i);
        JsonNode value = array.get(i);
        if (value.isTextual()) {
          array.set(i, resolved(value.textValue(), at));
        } else {
          resolve(value, at);
        }
      }
    }
  }

  /**
   * Whether a problem is about a value whose reference could not be resolved: such a value is
   * unknown, so what else the parser says about it would mislead.
   */
  boolean aboutUnresolved(SpecProblem problem) {
    for (String path : unresolvedPaths) {
      if (problem.path().equals(path)
          || problem.path().startsWith(path + ".")
          || problem.path().startsWith(path + "[")) {
        return true;
      }
    }
    return false;
  }

  /** The node for a string value: itself without references, else its resolved text. */
  private JsonNode resolved(String text, String path) {
    if (!text.contains("${")) {
      return TextNode.valueOf(text);
    }
    StringBuilder out = new StringBuilder();
    boolean ok = true;
    boolean any = false;
    int i = 0;
    while (i < text.length()) {
      int start = text.indexOf("${", i);
      if (start < 0) {
        out.append(text, i, text.length());
        break;
      }
      if (start > i && text.charAt(start - 1) == '$') {
        out.append(text, i, start - 1).append("${"); // $${ is a literal ${
        i = start + 2;
        continue;
      }
      out.append(text, i, start);
      int end = text.indexOf('}', start + 2);
      if (end < 0) {
        problems.add(
            path,
            "a reference starts at "
                + Section.quote(text.substring(start))
                + " but has no closing }; write $${ for a literal ${");
        ok = false;
        break;
      }
      String reference = text.substring(start, end + 1);
      String value = value(text.substring(start + 2, end), reference, path);
      if (value == null) {
        ok = false;
      } else {
        out.append(value);
        any = true;
      }
      i = end + 1;
    }
    if (!ok) {
      unresolvedPaths.add(path);
      return TextNode.valueOf(text);
    }
    return any ? new ResolvedText(out.toString(), text) : TextNode.valueOf(out.toString());
  }

  /** What {@code body} (the reference without {@code ${ }}) names, or null after a problem. */
  private String value(String body, String reference, String path) {
    int colon = body.indexOf(':');
    String kind = colon < 0 ? "" : body.substring(0, colon);
    String argument = body.substring(colon + 1);
    switch (kind) {
      case "env":
        return envValue(argument, reference, path);
      case "file":
        return fileValue(argument, reference, path);
      default:
        problems.add(
            path,
            "unknown reference "
                + reference
                + ": use ${env:NAME}, ${env:NAME:-default} or ${file:PATH}"
                + " (write $${ for a literal ${)");
        return null;
    }
  }

  private String envValue(String argument, String reference, String path) {
    int separator = argument.indexOf(DEFAULT_SEPARATOR);
    String name = separator < 0 ? argument : argument.substring(0, separator);
    if (!ENV_NAME.matcher(name).matches()) {
      problems.add(
          path,
          "cannot resolve "
              + reference
              + ": "
              + Section.quote(name)
              + " is not an environment variable name (letters, digits and _, not starting with"
              + " a digit)");
      return null;
    }
    String value = env.apply(name);
    if (value != null && !value.isEmpty()) {
      Secrets.hide(value, reference);
      return value;
    }
    if (separator >= 0) {
      return argument.substring(separator + DEFAULT_SEPARATOR.length()); // written in the spec
    }
    if (value == null) {
      problems.add(
          path,
          "cannot resolve "
              + reference
              + ": the environment variable "
              + name
              + " is not set (set it, or give a default: ${env:"
              + name
              + ":-default})");
    }
    return value;
  }

  private String fileValue(String argument, String reference, String path) {
    Path file;
    try {
      file = baseDir.resolve(argument);
    } catch (InvalidPathException e) {
      problems.add(path, "cannot resolve " + reference + ": not a valid path");
      return null;
    }
    String why;
    try {
      if (Files.isDirectory(file)) {
        why = file + " is a directory, not a file";
      } else {
        String value = withoutFinalLineBreak(Files.readString(file, StandardCharsets.UTF_8));
        Secrets.hide(value, reference);
        return value;
      }
    } catch (NoSuchFileException e) {
      why = "file not found: " + file;
    } catch (AccessDeniedException e) {
      why = "cannot read " + file + ": permission denied";
    } catch (CharacterCodingException e) {
      why = file + " is not UTF-8 text";
    } catch (IOException e) {
      why = "cannot read " + file + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
    problems.add(path, "cannot resolve " + reference + ": " + why);
    return null;
  }

  /** Files written by editors and {@code echo} end with a line break that is not the secret's. */
  private static String withoutFinalLineBreak(String content) {
    if (content.endsWith("\r\n")) {
      return content.substring(0, content.length() - 2);
    }
    return content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
  }

  /**
   * A string value that held references, with the text as written. Where a number or a boolean is
   * expected, its text is read as one, so that {@code parallelism: ${env:TASKS:-4}} works.
   */
  static final class ResolvedText extends TextNode {
    private static final long serialVersionUID = 1L;

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

    private final String written;

    ResolvedText(String value, String written) {
      super(value);
      this.written = written;
    }

    /** The value as the spec writes it, with its references. */
    String written() {
      return written;
    }

    /** A whole number or {@code true}/{@code false} when the text is one, else this text. */
    JsonNode scalar() {
      String text = textValue();
      if (INTEGER.matcher(text).matches()) {
        return JsonNodeFactory.instance.numberNode(new BigInteger(text));
      }
      if (text.equals("true") || text.equals("false")) {
        return BooleanNode.valueOf(Boolean.parseBoolean(text));
      }
      return this;
    }
  }
}
