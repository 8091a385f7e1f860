package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.hudi.HudiSnapshotReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as a user gets it: {@code lakestream-<version>-bin.tar.gz} (built by {@code mvn
 * package} in the cli module) unpacked with {@code tar} in a temporary directory outside the build
 * tree, and run by its own {@code bin/lakestream} from another directory, with an environment that
 * holds only {@code PATH}, an empty {@code HOME} and {@code JAVA_HOME}: no Maven, no {@code ~/.m2},
 * no build tree.
 */
class DistributionTest {
  private static final int EVENTS = 1000;

  @TempDir static Path dir;
  private static Path lakestream;

  @BeforeAll
  static void unpack() throws Exception {
    Path tarball = Path.of(System.getProperty("lakestream.distribution"));
    assertThat(tarball)
        .as("the distribution is built by 'mvn package' in cli; run mvn verify, not mvn test")
        .isRegularFile();
    Path unpacked = Files.createDirectories(dir.resolve("opt"));
    Process tar =
        new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", unpacked.toString())
            .inheritIO()
            .start();
    assertThat(tar.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(tar.exitValue()).isZero();
    lakestream =
        unpacked.resolve("lakestream-" + System.getProperty("lakestream.expected-version"));
  }

  /** What a run printed and how it ended. */
  private record Result(int exitCode, String stdout, String stderr) {}

  /**
   * {@code bin/lakestream ARGS} in {@code workDir}, with the clean environment plus {@code env}.
   */
  private static Result run(Path workDir, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    Path home = Files.createDirectories(dir.resolve("home"));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    List<String> command = new ArrayList<>();
    command.add(lakestream.resolve("bin/lakestream").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().clear();
    builder.environment().put("PATH", "/usr/bin:/bin");
    builder.environment().put("HOME", home.toString());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("LAKESTREAM_JAVA_OPTS", "-Xmx512m -XX:TieredStopAtLevel=1");
    builder.environment().putAll(env);
    Process process = builder.start();
    try {
      assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("lakestream finished").isTrue();
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      process.destroyForcibly();
    }
  }

  private static List<Long> eventIds(Path workDir, String table) {
    TestPipeline tables = TestPipeline.of(workDir.resolve("quickstart-work"), "unused", "orders");
    return LakeTables.rows(tables, table).stream()
        .map(r -> (Long) r.getField("event_id"))
        .sorted()
        .toList();
  }

  @Test
  void printsItsVersion() throws Exception {
    Result version = run(dir.resolve("anywhere"), Map.of(), "--version");

    assertThat(version.exitCode()).as(version.stderr()).isZero();
    assertThat(version.stdout())
        .isEqualTo("lakestream " + System.getProperty("lakestream.expected-version") + "\n");
  }

  @Test
  void putsJarsInLibExtOnTheClassPathAndNamesTheJarsACatalogLacks() throws Exception {
    Path probe = lakestream.resolve("lib/ext/probe.jar");
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(probe))) {
      jar.putNextEntry(new JarEntry("probe.txt"));
    }
    Path spec = dir.resolve("nessie.yaml");
    Files.writeString(
        spec,
        Files.readString(lakestream.resolve("examples/quickstart.yaml"))
            .replace(
                "catalog: {type: jdbc, uri: \"jdbc:sqlite:quickstart-work/warehouse/catalog.db\",",
                "catalog: {type: nessie, uri: \"http://127.0.0.1:1/api/v2\","));

    Result settings =
        run(
            dir.resolve("anywhere"),
            Map.of("LAKESTREAM_JAVA_OPTS", "-Xmx256m -XshowSettings:properties"),
            "--version");
    Result nessie = run(dir.resolve("anywhere"), Map.of(), "validate", spec.toString());

    assertThat(settings.exitCode()).isZero();
    assertThat(settings.stderr()).contains("java.class.path = ").contains(probe.toString());
    assertThat(nessie.exitCode()).isEqualTo(2);
    assertThat(nessie.stderr())
        .contains(
            "sink.iceberg.catalog.type: the nessie catalog needs jars that lakestream does not"
                + " ship: add iceberg-nessie-")
        .contains("to lib/ext/");
  }

  @Test
  void runsTheReadmeQuickstartFromAnotherDirectory() throws Exception {
    Path work = dir.resolve("quickstart");

    Result quickstart = run(work, Map.of(), "quickstart", "--events", String.valueOf(EVENTS));

    assertThat(quickstart.exitCode()).as(quickstart.stderr()).isZero();
    // sample events have event_id 0..N-1 and amounts of at least 0.01, so the filter keeps them all
    assertThat(eventIds(work, "shop.orders"))
        .isEqualTo(LongStream.range(0, EVENTS).boxed().toList());
    // the next step it suggests works from here too
    Path example = lakestream.resolve("examples/quickstart.yaml");
    assertThat(quickstart.stdout())
        .contains("Next: " + lakestream.resolve("bin/lakestream") + " tables --spec " + example);
    Result tables = run(work, Map.of(), "tables", "--spec", example.toString());
    assertThat(tables.exitCode()).as(tables.stderr()).isZero();
    assertThat(tables.stdout().lines()).containsExactly("shop.orders", "shop.orders_dead_letter");
  }

  @Test
  void runsTheShippedExampleWithValuesFromTheEnvironmentAndNeverPrintsTheSecret() throws Exception {
    Path work = dir.resolve("bounded");
    String example = Files.readString(lakestream.resolve("examples/quickstart.yaml"));
    Path spec = work.resolve("orders.yaml");
    Files.createDirectories(work);
    Files.writeString(
        spec,
        example
            .replace("table: shop.orders\n", "table: ${env:ORDERS_TABLE}\n")
            .replace(
                "    format: json\n",
                "    format: json\n    properties:\n      ssl.key.password: ${env:KEY_PASSWORD}\n"));
    String secret = "kp-" + System.nanoTime();
    Map<String, String> env = Map.of("ORDERS_TABLE", "shop.orders_env", "KEY_PASSWORD", secret);

    Result missing = run(work, Map.of("KEY_PASSWORD", secret), "validate", spec.toString());
    Result bounded =
        run(
            work,
            env,
            "run",
            spec.toString(),
            "--sample-events",
            String.valueOf(EVENTS),
            "--stop-at-end");

    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.stderr())
        .contains(
            "sink.iceberg.table: cannot resolve ${env:ORDERS_TABLE}: the environment variable"
                + " ORDERS_TABLE is not set");
    assertThat(bounded.exitCode()).as(bounded.stderr()).isZero();
    assertThat(eventIds(work, "shop.orders_env"))
        .isEqualTo(LongStream.range(0, EVENTS).boxed().toList());
    assertThat(missing.stdout() + missing.stderr() + bounded.stdout() + bounded.stderr())
        .doesNotContain(secret);
  }

  /**
   * The unpacked distribution runs a pipeline whose tables and checkpoints are on the shared S3
   * server: once with the keys in the spec as {@code ${env:...}} references, once with no keys in
   * the spec, so the AWS SDK's default chain finds them in {@code AWS_ACCESS_KEY_ID} and {@code
   * AWS_SECRET_ACCESS_KEY} (the server checks them: wrong or missing keys fail). {@code status}
   * then reads the checkpoint from the server. The secret appears in no output.
   */
  @Test
  @ExtendWith(SharedS3.class)
  void runsAPipelineOnS3WithKeysFromTheEnvironmentOrTheSdkChain(S3Server s3) throws Exception {
    String bucket = "distribution";
    s3.createBucket(bucket);
    Path work = dir.resolve("s3");
    Files.createDirectories(work);
    String example = Files.readString(lakestream.resolve("examples/quickstart.yaml"));
    String server =
        "s3.endpoint: \""
            + s3.endpoint()
            + "\", s3.path-style-access: \"true\", client.region: "
            + S3Server.REGION;
    String keys =
        ", s3.access-key-id: \"${env:S3_KEY}\", s3.secret-access-key: \"${env:S3_SECRET}\"";
    Map<String, String> secrets =
        Map.of("S3_KEY", S3Server.ACCESS_KEY, "S3_SECRET", S3Server.SECRET_KEY);
    Map<String, String> chain =
        Map.of(
            "AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY);
    StringBuilder output = new StringBuilder();

    for (String run : List.of("env", "chain")) {
      String connection = server + (run.equals("env") ? keys : "");
      Path spec = work.resolve(run + ".yaml");
      Files.writeString(
          spec,
          example
              .replaceFirst(
                  "(?m)^    catalog: .*$",
                  Matcher.quoteReplacement(
                      "    catalog: {type: jdbc, uri: \"jdbc:sqlite:"
                          + work.resolve(run + ".db")
                          + "\", warehouse: \"s3://"
                          + bucket
                          + "/"
                          + run
                          + "\", "
                          + connection
                          + "}"))
              .replaceFirst(
                  "(?m)^checkpoint: .*$",
                  Matcher.quoteReplacement(
                      "checkpoint: {interval: 5s, dir: \"s3://"
                          + bucket
                          + "/"
                          + run
                          + "-checkpoints\", local-dir: "
                          + work.resolve(run + "-local")
                          + ", storage: {"
                          + connection
                          + "}}")));
      Map<String, String> env = run.equals("env") ? secrets : chain;

      Result bounded =
          run(
              work,
              env,
              "run",
              spec.toString(),
              "--sample-events",
              String.valueOf(EVENTS),
              "--stop-at-end");
      assertThat(bounded.exitCode()).as(bounded.stderr()).isZero();
      Result status = run(dir.resolve("anywhere"), env, "status", "--spec", spec.toString());
      assertThat(status.exitCode()).as(status.stderr()).isZero();
      assertThat(status.stdout())
          .contains("(in s3://" + bucket + "/" + run + "-checkpoints)")
          .contains("shop.orders (writer default): checkpoint #");
      output.append(bounded.stdout()).append(bounded.stderr());
      output.append(status.stdout()).append(status.stderr());

      Map<String, String> catalog = new HashMap<>(s3.clientProperties());
      catalog.put("uri", "jdbc:sqlite:" + work.resolve(run + ".db"));
      catalog.put("warehouse", "s3://" + bucket + "/" + run);
      TestPipeline tables =
          TestPipeline.of(work.resolve(run + "-reader"), "unused", "orders").withCatalog(catalog);
      assertThat(
              LakeTables.rows(tables, "shop.orders").stream()
                  .map(r -> (Long) r.getField("event_id"))
                  .sorted()
                  .toList())
          .isEqualTo(LongStream.range(0, EVENTS).boxed().toList());
      assertThat(s3.keys(bucket, run + "/")).anyMatch(k -> k.endsWith(".parquet"));
      assertThat(s3.keys(bucket, run + "-checkpoints/"))
          .anyMatch(k -> k.matches(run + "-checkpoints/checkpoint-\\d{19}\\.ckpt"));
    }
    assertThat(output.toString()).doesNotContain(S3Server.SECRET_KEY);
  }

  /**
   * The unpacked distribution writes a Hudi table to the shared S3 server through Hadoop's S3A
   * (hadoop-aws and the AWS SDK modules in lib/), with the same {@code s3.*} keys as an Iceberg
   * warehouse, the secret from {@code ${env:...}}: Hudi's own reader finds every event there once,
   * and {@code describe} reads the table from the server. The secret appears in no output.
   */
  @Test
  @ExtendWith(SharedS3.class)
  void runsAHudiPipelineOnS3(S3Server s3) throws Exception {
    String bucket = "distribution-hudi";
    s3.createBucket(bucket);
    Path work = dir.resolve("hudi-s3");
    Files.createDirectories(work);
    String table = "s3://" + bucket + "/lake/orders";
    Path spec = work.resolve("hudi.yaml");
    Files.writeString(
        spec,
        Files.readString(lakestream.resolve("examples/quickstart.yaml"))
            .replaceFirst(
                "(?s)sink:.*checkpoint:",
                Matcher.quoteReplacement(
                    String.join(
                        "\n",
                        "sink:",
                        "  hudi:",
                        "    path: " + table,
                        "    table: shop.orders",
                        "    record-key: [event_id]",
                        "    storage:",
                        "      s3.endpoint: \"" + s3.endpoint() + "\"",
                        "      s3.path-style-access: true",
                        "      client.region: " + S3Server.REGION,
                        "      s3.access-key-id: " + S3Server.ACCESS_KEY,
                        "      s3.secret-access-key: ${env:S3_SECRET}",
                        "checkpoint:")))
            .replaceFirst("(?m)^errors: .*$", "errors: {policy: fail}"));
    Map<String, String> env = Map.of("S3_SECRET", S3Server.SECRET_KEY);

    Result bounded =
        run(
            work,
            env,
            "run",
            spec.toString(),
            "--sample-events",
            String.valueOf(EVENTS),
            "--stop-at-end");
    Result describe =
        run(dir.resolve("anywhere"), env, "describe", "--spec", spec.toString(), "shop.orders");

    assertThat(bounded.exitCode()).as(bounded.stderr()).isZero();
    assertThat(
            HudiSnapshotReader.read(table, s3.clientProperties()).stream()
                .map(r -> (Long) r.get("event_id"))
                .sorted()
                .toList())
        .isEqualTo(LongStream.range(0, EVENTS).boxed().toList());
    assertThat(s3.keys(bucket, "lake/orders/")).anyMatch(k -> k.endsWith(".parquet"));
    assertThat(describe.exitCode()).as(describe.stderr()).isZero();
    assertThat(describe.stdout()).contains("Hudi").contains("live rows:    1,000");
    assertThat(bounded.stdout() + bounded.stderr() + describe.stdout() + describe.stderr())
        .doesNotContain(S3Server.SECRET_KEY);
  }
}
