package io.lakestream.core.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Recognises options that hold secrets, such as {@code sasl.jaas.config}, {@code ssl.key.password}
 * or a catalog's {@code s3.secret-access-key}, so that their values are masked wherever a spec or
 * its options are printed; and remembers the values a spec read from the environment or from files,
 * so that printed text shows their references instead.
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

  /**
   * Values shorter than this are not hidden, nor are {@code true} and {@code false}: they cannot be
   * secrets worth the name, and replacing every {@code 4} or {@code true} in a message would garble
   * it.
   */
  static final int MIN_HIDDEN_LENGTH = 4;

  /** Values read through references, each with the reference shown in its place. */
  private static final Map<String, String> HIDDEN = new ConcurrentHashMap<>();

  /** {@link #HIDDEN}'s values as one pattern, longest first; null when there are none. */
  private static volatile Pattern hiddenPattern;

  private Secrets() {}

  /**
   * Remembers, for the rest of this process, that {@code value} was read through {@code reference}
   * (such as {@code ${env:KAFKA_PASSWORD}}): {@link #maskText} shows the reference wherever the
   * value would appear. A value shorter than {@value #MIN_HIDDEN_LENGTH} characters, {@code true}
   * and {@code false} are not hidden.
   */
  public static void hide(String value, String reference) {
    if (value.length() < MIN_HIDDEN_LENGTH
        || value.equals("true")
        || value.equals("false")
        || HIDDEN.putIfAbsent(value, reference) != null) {
      return;
    }
    synchronized (HIDDEN) {
      hiddenPattern =
          Pattern.compile(
              HIDDEN.keySet().stream()
                  .sorted(Comparator.comparingInt(String::length).reversed())
                  .map(Pattern::quote)
                  .collect(Collectors.joining("|")));
    }
  }

  /**
   * A text for printing with every value {@linkplain #hide hidden} replaced by its reference, and
   * every other secret it holds replaced by {@link #MASK}: the password of a URL's user info
   * ({@code https://me:pw@host}), the values of secret names assigned with {@code =} (a URL's
   * {@code ?password=pw}, {@code {s3.secret-access-key=...}} in a printed map) and of quoted secret
   * names in JSON. Applied to every message the command line prints, since messages of catalogs and
   * drivers quote URLs and properties.
   *
   * @param text any text, or null
   * @return the masked text; null for null
   */
  public static String maskText(String text) {
    if (text == null) {
      return null;
    }
    String masked = text;
    Pattern hidden = hiddenPattern;
    if (hidden != null) {
      masked =
          hidden.matcher(masked).replaceAll(m -> Matcher.quoteReplacement(HIDDEN.get(m.group())));
    }
    masked = USER_INFO.matcher(masked).replaceAll("$1:" + MASK + "@");
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
