package io.lakestream.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsTest {

  @Test
  void recognisesSecretKeys() {
    assertThat(
            List.of(
                "sasl.jaas.config",
                "ssl.key.password",
                "s3.secret-access-key",
                "token",
                "OAuth2.Credential",
                "basic.auth.user.info"))
        .allMatch(Secrets::isSecret);
    assertThat(List.of("bootstrap.servers", "key.deserializer", "s3.access-key-id", "uri"))
        .noneMatch(Secrets::isSecret);
  }

  @Test
  void masksSecretsInNestedOptions() {
    Map<String, Object> options =
        Map.of(
            "uri", "jdbc:sqlite:x",
            "catalog", Map.of("jdbc.password", "hunter2", "user", "me"),
            "list", List.of(Map.of("token", "abc")));

    assertThat(Secrets.mask(options))
        .isEqualTo(
            Map.of(
                "uri", "jdbc:sqlite:x",
                "catalog", Map.of("jdbc.password", Secrets.MASK, "user", "me"),
                "list", List.of(Map.of("token", Secrets.MASK))));
  }

  @Test
  void printedSpecsHideSecrets() {
    PipelineSpec spec =
        SpecParser.parse(
            SpecParserTest.MINIMAL
                .replace(
                    "topics: [orders]",
                    "topics: [orders]\n    properties: {sasl.jaas.config: \"user=a password=hunter2\"}")
                .replace(
                    "{table: analytics.orders}",
                    "{table: analytics.orders, options: {token: hunter2}}"));

    assertThat(spec.toString()).doesNotContain("hunter2").contains(Secrets.MASK);
  }

  @Test
  void masksSecretsInText() {
    assertThat(
            Secrets.maskText(
                "Cannot connect to jdbc:postgresql://db:5432/shop?user=lake&password=hunter2&ssl=true"))
        .isEqualTo(
            "Cannot connect to jdbc:postgresql://db:5432/shop?user=lake&password=******&ssl=true");
    assertThat(Secrets.maskText("uri http://admin:hunter2@catalog:8181/api failed"))
        .isEqualTo("uri http://admin:******@catalog:8181/api failed");
    assertThat(Secrets.maskText("properties {uri=x, s3.secret-access-key=abc/def, token=t1}"))
        .isEqualTo("properties {uri=x, s3.secret-access-key=******, token=******}");
    assertThat(Secrets.maskText("{\"jdbc.password\": \"hunter2\", \"user\": \"me\"}"))
        .isEqualTo("{\"jdbc.password\": \"******\", \"user\": \"me\"}");
    assertThat(Secrets.maskText("source.postgres.password: is required"))
        .isEqualTo("source.postgres.password: is required");
  }
}
