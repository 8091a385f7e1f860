package io.lakestream.cli.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SecureListenerTest {
  @Test
  void prefixesItsPropertiesWithTheListenerNameKafkaReadsThemUnder() {
    SecureListener listener = new SecureListener("SECURE_1", "SASL_SSL", Map.of());

    assertThat(listener.prefix()).isEqualTo("listener.name.secure_1.");
  }

  @Test
  void rejectsNamesTheBrokerUsesItselfAndProtocolsThatAreNotSecure() {
    assertThatThrownBy(() -> new SecureListener("CONTROLLER", "SSL", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Listener name is taken by the broker itself: CONTROLLER");
    assertThatThrownBy(() -> new SecureListener("secure", "SSL", Map.of()))
        .hasMessage("Listener name must be upper-case letters, digits and _: secure");
    assertThatThrownBy(() -> new SecureListener("SECURE", "PLAINTEXT", Map.of()))
        .hasMessage("Security protocol must be one of [SSL, SASL_PLAINTEXT, SASL_SSL]: PLAINTEXT");
  }
}
