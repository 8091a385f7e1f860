package io.lakestream.hudi;

import io.lakestream.core.spec.Problems;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;

/**
 * The Hadoop configuration of a Hudi table's storage, made from the {@code storage} keys an Iceberg
 * warehouse and {@code checkpoint.storage} use for S3 ({@code s3.endpoint}, {@code
 * s3.path-style-access}, {@code client.region}, {@code s3.access-key-id}, {@code
 * s3.secret-access-key}, {@code s3.session-token}), translated to Hadoop's S3A file system, which
 * serves both {@code s3a://} and {@code s3://} paths. A key starting with {@code fs.s3a.} is passed
 * to S3A as it is. Without access keys, credentials come from the AWS SDK's default chain
 * (environment, system properties, profile, web identity, container and instance roles), as for
 * Iceberg's S3FileIO.
 */
final class HadoopStorage {

  /** S3A's file system and its {@code AbstractFileSystem}, bound to {@code s3://} as well. */
  private static final String S3A = "org.apache.hadoop.fs.s3a.S3AFileSystem";

  private static final String S3A_ABSTRACT = "org.apache.hadoop.fs.s3a.S3A";

  /** The prefix of S3A's own keys, passed through. */
  private static final String S3A_PREFIX = "fs.s3a.";

  /** Each storage key of an Iceberg S3 warehouse to its S3A key. */
  private static final Map<String, String> S3A_KEYS =
      Map.of(
          "s3.endpoint", "fs.s3a.endpoint",
          "s3.path-style-access", "fs.s3a.path.style.access",
          "client.region", "fs.s3a.endpoint.region",
          "s3.access-key-id", "fs.s3a.access.key",
          "s3.secret-access-key", "fs.s3a.secret.key",
          "s3.session-token", "fs.s3a.session.token");

  private HadoopStorage() {}

  /** Adds a problem for every key of {@code storage} that is neither an S3 key nor an S3A key. */
  static void check(Map<String, String> storage, String path, Problems problems) {
    for (String key : storage.keySet()) {
      if (!S3A_KEYS.containsKey(key) && !key.startsWith(S3A_PREFIX)) {
        problems.add(
            path + "." + key,
            "unknown storage key (known: "
                + String.join(", ", new TreeSet<>(S3A_KEYS.keySet()))
                + ", or any fs.s3a.* key of Hadoop's S3A)");
      }
    }
  }

  /** A Hadoop configuration for a table whose storage is described by {@code storage}. */
  static Configuration conf(Map<String, String> storage) {
    Configuration conf = new Configuration();
    conf.setBoolean("fs.file.impl.disable.cache", false);
    conf.set("fs.s3.impl", S3A);
    conf.set("fs.AbstractFileSystem.s3.impl", S3A_ABSTRACT);
    // Hadoop 3.5's default input stream, the S3 analytics accelerator, reads through the SDK's
    // asynchronous client, whose Netty HTTP client is not shipped
    conf.set("fs.s3a.input.stream.type", "classic");
    s3a(storage).forEach(conf::set);
    return conf;
  }

  /** The S3A settings of {@code storage}. */
  static Map<String, String> s3a(Map<String, String> storage) {
    Map<String, String> s3a = new LinkedHashMap<>();
    if (!storage.containsKey("s3.access-key-id")
        && !storage.containsKey("fs.s3a.access.key")
        && !storage.containsKey("fs.s3a.aws.credentials.provider")) {
      s3a.put(
          "fs.s3a.aws.credentials.provider",
          "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider");
    } else if (storage.containsKey("s3.session-token")) {
      s3a.put(
          "fs.s3a.aws.credentials.provider",
          "org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider");
    }
    storage.forEach((key, value) -> s3a.put(S3A_KEYS.getOrDefault(key, key), value));
    return s3a;
  }
}
