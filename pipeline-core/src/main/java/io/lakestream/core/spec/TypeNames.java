package io.lakestream.core.spec;

import io.lakestream.core.record.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the type names a spec writes: the primitives ({@code long}, {@code timestamp}, ...), {@code
 * decimal(p,s)}, and the names {@code struct} and {@code list}, whose fields or element the schema
 * reader reads from the surrounding map. Names are case-insensitive.
 */
public final class TypeNames {
  static final String STRUCT = "struct";
  static final String LIST = "list";
  static final String DECIMAL = "decimal(p,s)";
  static final int MAX_PRECISION = 38;

  /** Types that need no fields or element, as the docs and messages list them. */
  static final List<String> SCALARS = scalars();

  /** Every type name. */
  static final List<String> ALL = all();

  private static final Pattern DECIMAL_TYPE =
      Pattern.compile("decimal\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)", Pattern.CASE_INSENSITIVE);

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** What a field or column name must look like, for messages. */
  public static final String NAME_RULE = "must be letters, digits and _, not starting with a digit";

  private TypeNames() {}

  /** Whether a field or column name can be used as is in expressions and table schemas. */
  public static boolean isValidName(String name) {
    return NAME.matcher(name).matches();
  }

  /** Whether the name is {@code struct} or {@code list}, in any case. */
  static boolean isNested(String text, String nested) {
    return text.strip().equalsIgnoreCase(nested);
  }

  /**
   * Reads a primitive or decimal type name, reporting at {@code at} what is wrong with it; returns
   * null after a problem. {@code struct} and {@code list} are reported as not allowed here, so a
   * caller that accepts them checks for them first.
   */
  static DataType scalar(String text, String at, Problems problems, boolean nestedAllowed) {
    String name = text.strip().toLowerCase(Locale.ROOT);
    for (DataType.Primitive primitive : DataType.primitives()) {
      if (primitive.toString().equals(name)) {
        return primitive;
      }
    }
    if (name.startsWith("decimal")) {
      return decimal(text, at, problems);
    }
    if (!nestedAllowed && (name.equals(STRUCT) || name.equals(LIST))) {
      problems.add(at, "must be a primitive or decimal type (got " + Section.quote(text) + ")");
      return null;
    }
    List<String> known = nestedAllowed ? ALL : SCALARS;
    int paren = name.indexOf('(');
    if (paren > 0
        && Section.didYouMean(name.substring(0, paren).strip(), List.of("decimal")) != null) {
      // "decmal(10,2)": suggest the same parameters with the name spelled right
      problems.add(
          at,
          "unknown type "
              + Section.quote(text)
              + ", did you mean \"decimal"
              + name.substring(paren)
              + "\"? (types: "
              + String.join(", ", known)
              + ")");
    } else {
      problems.add(at, Section.unknownName("type", text, known, "types"));
    }
    return null;
  }

  private static DataType decimal(String text, String at, Problems problems) {
    Matcher m = DECIMAL_TYPE.matcher(text.strip());
    if (!m.matches()) {
      problems.add(
          at,
          "must be written decimal(precision,scale), e.g. decimal(10,2) (got "
              + Section.quote(text)
              + ")");
      return null;
    }
    int precision = smallInt(m.group(1));
    int scale = smallInt(m.group(2));
    if (precision < 1 || precision > MAX_PRECISION) {
      problems.add(
          at,
          "decimal precision must be between 1 and "
              + MAX_PRECISION
              + " (got "
              + Section.quote(text)
              + ")");
      return null;
    }
    if (scale > precision) {
      problems.add(
          at,
          "decimal scale must be between 0 and the precision, "
              + precision
              + " (got "
              + Section.quote(text)
              + ")");
      return null;
    }
    return new DataType.Decimal(precision, scale);
  }

  /** Parses digits, mapping anything too long for an int to a value beyond every limit. */
  private static int smallInt(String digits) {
    return digits.length() > 6 ? Integer.MAX_VALUE : Integer.parseInt(digits);
  }

  private static List<String> scalars() {
    List<String> names = new ArrayList<>();
    DataType.primitives().forEach(p -> names.add(p.toString()));
    names.add(DECIMAL);
    return List.copyOf(names);
  }

  private static List<String> all() {
    List<String> names = new ArrayList<>(scalars());
    names.add(STRUCT);
    names.add(LIST);
    return List.copyOf(names);
  }
}
