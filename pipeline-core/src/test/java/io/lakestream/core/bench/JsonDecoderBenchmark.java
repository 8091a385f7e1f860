package io.lakestream.core.bench;

import io.lakestream.core.decode.JsonDecoder;
import io.lakestream.core.record.DataType.Primitive;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.SchemaSpec;
import io.lakestream.core.spec.SchemaSpec.TimestampFormat;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JSON decoding of the benchmark workload's events (7 fields, ~230 bytes), per record.
 *
 * <p>Run: {@code mvn -pl pipeline-core test-compile exec:exec@jmh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JsonDecoderBenchmark {
  private static final String[] CATEGORIES = {"books", "games", "garden", "music", "toys"};

  private byte[][] values;
  private JsonDecoder decoder;
  private int next;

  @Setup
  public void setUp() {
    Schema schema =
        new Schema(
            List.of(
                Field.required("event_id", Primitive.LONG),
                Field.optional("user_id", Primitive.LONG),
                Field.optional("item_id", Primitive.LONG),
                Field.optional("amount", Primitive.DOUBLE),
                Field.optional("category", Primitive.STRING),
                Field.optional("event_time", Primitive.TIMESTAMP),
                Field.optional("payload", Primitive.STRING)));
    decoder =
        new JsonDecoder(new SchemaSpec(schema, Map.of("event_time", TimestampFormat.EPOCH_MILLIS)));
    Random random = new Random(1);
    values = new byte[4096][];
    for (int i = 0; i < values.length; i++) {
      String json =
          "{\"event_id\":"
              + i
              + ",\"user_id\":"
              + random.nextInt(10_000)
              + ",\"item_id\":"
              + (100_000 + random.nextInt(900_000))
              + ",\"amount\":"
              + (random.nextInt(50_000) + 1) / 100.0
              + ",\"category\":\""
              + CATEGORIES[i % CATEGORIES.length]
              + "\",\"event_time\":"
              + (1_764_000_000_000L + i)
              + ",\"payload\":\""
              + "x".repeat(60)
              + i
              + "-"
              + random.nextLong()
              + "\"}";
      values[i] = json.getBytes(StandardCharsets.UTF_8);
    }
  }

  @Benchmark
  public Row decode() {
    next = (next + 1) & (values.length - 1);
    return decoder.decode(values[next]);
  }
}
