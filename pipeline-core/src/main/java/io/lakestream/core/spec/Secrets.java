package io.lakestream.core.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

  private Secrets() {}

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
