package io.lakestream.hudi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class HadoopStorageTest {

  @Test
  void translatesTheS3KeysOfAnIcebergWarehouseToS3a() {
    Configuration conf =
        HadoopStorage.conf(
            Map.of(
                "s3.endpoint", "http://127.0.0.1:9000",
                "s3.path-style-access", "true",
                "client.region", "eu-west-1",
                "s3.access-key-id", "key",
                "s3.secret-access-key", "secret",
                "fs.s3a.connection.maximum", "8"));
    assertThat(conf.get("fs.s3a.endpoint")).isEqualTo("http://127.0.0.1:9000");
    assertThat(conf.get("fs.s3a.path.style.access")).isEqualTo("true");
    assertThat(conf.get("fs.s3a.endpoint.region")).isEqualTo("eu-west-1");
    assertThat(conf.get("fs.s3a.access.key")).isEqualTo("key");
    assertThat(conf.get("fs.s3a.secret.key")).isEqualTo("secret");
    assertThat(conf.get("fs.s3a.connection.maximum")).isEqualTo("8");
    assertThat(conf.get("fs.s3.impl")).isEqualTo("org.apache.hadoop.fs.s3a.S3AFileSystem");
  }

  @Test
  void usesTheSdksDefaultCredentialChainWithoutKeys() {
    assertThat(HadoopStorage.s3a(Map.of()))
        .containsEntry(
            "fs.s3a.aws.credentials.provider",
            "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider");
    assertThat(HadoopStorage.s3a(Map.of("s3.access-key-id", "k", "s3.secret-access-key", "s")))
        .doesNotContainKey("fs.s3a.aws.credentials.provider");
    assertThat(
            HadoopStorage.s3a(
                Map.of(
                    "s3.access-key-id", "k", "s3.secret-access-key", "s", "s3.session-token", "t")))
        .containsEntry(
            "fs.s3a.aws.credentials.provider",
            "org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider")
        .containsEntry("fs.s3a.session.token", "t");
  }
}
