package io.lakestream.core.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.core.spec.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The recent errors of a pipeline, kept beside its checkpoints in {@value #FILE} for {@code
 * lakestream status}: the failures that ended a run and the bad records that stopped one, newest
 * last, at most {@value #KEPT}. One JSON object per line ({@code at}, {@code error}); the text is
 * masked as {@link Secrets#maskText} masks printed text before it is written, so the file holds no
 * secret. Each write replaces the file atomically, so a reader sees the old list or the new one.
 */
public final class ErrorLog {
  /** The file's name in the checkpoint directory. */
  public static final String FILE = "errors.log";

  /** How many errors the file keeps. */
  static final int KEPT = 20;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * One error.
   *
   * @param at when it happened
   * @param error what happened, secrets masked
   */
  public record Entry(Instant at, String error) {}

  private ErrorLog() {}

  /**
   * Adds {@code error} at {@code at} to the log in {@code dir}, dropping the oldest beyond {@value
   * #KEPT}.
   *
   * @throws IOException if the file cannot be written
   */
  static void append(Path dir, Instant at, String error) throws IOException {
    Path file = dir.resolve(FILE);
    List<Entry> entries = new ArrayList<>(Files.exists(file) ? read(file) : List.of());
    entries.add(new Entry(at, Secrets.maskText(error)));
    StringBuilder text = new StringBuilder();
    for (Entry e : entries.subList(Math.max(0, entries.size() - KEPT), entries.size())) {
      ObjectNode line = MAPPER.createObjectNode();
      line.put("at", e.at().toString());
      line.put("error", e.error());
      text.append(MAPPER.writeValueAsString(line)).append('\n');
    }
    Path tmp = dir.resolve(FILE + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The errors in log file {@code file}, oldest first; lines it cannot read are left out. */
  public static List<Entry> read(Path file) {
    try {
      return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the error log " + file, e);
    }
  }

  private static List<Entry> parse(List<String> lines) {
    List<Entry> entries = new ArrayList<>();
    for (String line : lines) {
      try {
        JsonNode node = MAPPER.readTree(line);
        if (node != null && node.hasNonNull("at") && node.hasNonNull("error")) {
          entries.add(
              new Entry(Instant.parse(node.get("at").asText()), node.get("error").asText()));
        }
      } catch (JsonProcessingException | java.time.format.DateTimeParseException e) {
        // a line cut short by a disk that filled up: the others still tell
      }
    }
    return entries;
  }
}
