package io.lakestream.core.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Recognises options that hold secrets, such as {@code sasl.jaas.config}, {@code ssl.key.password}
 * or a catalog's {@code s3.secret-access-key}, so that their values are masked wherever a spec or
 * its options are printed.
 */
public final class Secrets {
  /** What a secret value is printed as. */
  public static final String MASK = "******";

  private static final List<String> MARKERS =
      List.of(
          "password",
          "passwd",
          "secret",
          "token",
          "credential",
          "jaas",
          "private",
          "keystore.key",
          "api-key",
          "apikey",
          "user.info",
          "authorization");

  /** {@code scheme://user:password@host}: the password of a URL's user info. */
  private static final Pattern USER_INFO = Pattern.compile("(://[^/\\s:@]+):[^@/\\s]+@");

  /** A name that holds a secret, as in {@link #isSecret}, within a longer text. */
  private static final String SECRET_NAME =
      "[\\w.-]*(?:"
          + MARKERS.stream().map(Pattern::quote).collect(Collectors.joining("|"))
          + ")[\\w.-]*";

  /** {@code password=...} in a URL's query, a JDBC property list or a printed map. */
  private static final Pattern ASSIGNED =
      Pattern.compile("(?i)(" + SECRET_NAME + ")=([^&;\\s,)}\\]\"']*)");

  /** {@code "password": "..."} in JSON. */
  private static final Pattern QUOTED =
      Pattern.compile("(?i)(\"" + SECRET_NAME + "\"\\s*:\\s*)(\"[^\"]*\"|[^\\s,}\\]]+)");

  private Secrets() {}

  /**
   * A text for printing with every secret it holds replaced by {@link #MASK}: the password of a
   * URL's user info ({@code https://me:pw@host}), the values of secret names assigned with {@code
   * =} (a URL's {@code ?password=pw}, {@code {s3.secret-access-key=...}} in a printed map) and of
   * quoted secret names in JSON. Applied to every message the command line prints, since messages
   * of catalogs and drivers quote URLs and properties.
   *
   * @param text any text, or null
   * @return the masked text; null for null
   */
  public static String maskText(String text) {
    if (text == null) {
      return null;
    }
    String masked = USER_INFO.matcher(text).replaceAll("$1:" + MASK + "@");
    masked = ASSIGNED.matcher(masked).replaceAll("$1=" + MASK);
    return QUOTED.matcher(masked).replaceAll("$1\"" + MASK + "\"");
  }

  /** Whether the value of an option with this key is a secret; case-insensitive. */
  public static boolean isSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    for (String marker : MARKERS) {
      if (lower.contains(marker)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A copy of an options map for printing: values of secret keys replaced by {@link #MASK}, nested
   * maps and lists masked the same way.
   */
  public static Map<String, Object> mask(Map<String, ?> options) {
    Map<String, Object> masked = new LinkedHashMap<>();
    options.forEach((k, v) -> masked.put(k, isSecret(k) && v != null ? MASK : maskValue(v)));
    return Collections.unmodifiableMap(masked);
  }

  private static Object maskValue(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> nested = new LinkedHashMap<>();
      map.forEach((k, v) -> nested.put(String.valueOf(k), v));
      return mask(nested);
    }
    if (value instanceof List<?> list) {
      List<Object> items = new ArrayList<>();
      list.forEach(item -> items.add(maskValue(item)));
      return Collections.unmodifiableList(items);
    }
    return value;
  }
}
