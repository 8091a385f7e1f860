package io.lakestream.cli.embedded;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A client listener that {@link EmbeddedKafkaBroker} opens next to its PLAINTEXT one, for clients
 * that must authenticate or encrypt: {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}. The
 * broker's own traffic stays on PLAINTEXT, so only clients of this listener need its settings.
 *
 * @param name the listener's name, such as {@code SECURE}: upper-case letters, digits and {@code _}
 * @param securityProtocol {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}
 * @param properties the listener's broker properties without the {@code listener.name.<name>.}
 *     prefix Kafka puts before them, e.g. {@code ssl.keystore.location}, {@code
 *     sasl.enabled.mechanisms} or {@code scram-sha-512.sasl.jaas.config}
 */
public record SecureListener(String name, String securityProtocol, Map<String, String> properties) {
  private static final List<String> PROTOCOLS = List.of("SSL", "SASL_PLAINTEXT", "SASL_SSL");

  /**
   * @throws IllegalArgumentException if the name is not a valid listener name other than those the
   *     broker uses itself, or the protocol is not one of the secure ones
   */
  public SecureListener {
    if (name == null || !name.matches("[A-Z][A-Z0-9_]*")) {
      throw new IllegalArgumentException(
          "Listener name must be upper-case letters, digits and _: " + name);
    }
    if (name.equals("PLAINTEXT") || name.equals("CONTROLLER")) {
      throw new IllegalArgumentException("Listener name is taken by the broker itself: " + name);
    }
    if (!PROTOCOLS.contains(securityProtocol)) {
      throw new IllegalArgumentException(
          "Security protocol must be one of " + PROTOCOLS + ": " + securityProtocol);
    }
    properties = Map.copyOf(properties);
  }

  /** The prefix Kafka reads this listener's properties under. */
  String prefix() {
    return "listener.name." + name.toLowerCase(Locale.ROOT) + ".";
  }
}
