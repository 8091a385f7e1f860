package io.lakestream.core.error;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Says in words what a failure was, for the one {@code error:} line a user reads: the messages
 * along the cause chain, without Java class names, and for failures of the machine around the
 * pipeline (a full disk, a lost connection) what to do about it.
 */
public final class Failures {
  private static final String RESUMES =
      "the run resumes from its last committed checkpoint and nothing is lost.";

  private Failures() {}

  /**
   * The messages of {@code failure} and its causes, outermost first, each once and without a final
   * period, joined by {@code ": "}; a message that only repeats its cause (as wrapping exceptions
   * do) is left out.
   */
  public static String describe(Throwable failure) {
    List<String> parts = new ArrayList<>();
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = failure; t != null && seen.put(t, true) == null; t = t.getCause()) {
      String raw = message(t);
      if (raw == null || raw.isBlank()) {
        continue;
      }
      String cause = t.getCause() == null ? null : t.getCause().toString();
      String message = withoutFinalPeriod(raw);
      if (raw.equals(cause) || parts.stream().anyMatch(p -> p.contains(message))) {
        continue;
      }
      parts.add(message);
    }
    if (parts.isEmpty()) {
      return failure == null ? "unknown failure" : failure.getClass().getSimpleName();
    }
    return String.join(": ", parts);
  }

  /** What a user can do about {@code failure}, or an empty string when there is nothing to say. */
  public static String advice(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("no space left on device") || m.contains("disk quota exceeded")) {
        return "Free space on that disk, then run again: " + RESUMES;
      }
      if (t instanceof AccessDeniedException || m.contains("permission denied")) {
        return "Give the pipeline's user write access there, then run again.";
      }
      if (m.contains("sqlite_busy") || m.contains("database is locked")) {
        return "Another process holds the SQLite catalog; stop it (or use a PostgreSQL catalog for"
            + " several writers), then run again: "
            + RESUMES;
      }
      if (t instanceof SQLException e && connectionLost(e.getSQLState())) {
        return "The database server closed the connection or cannot be reached: check that it is"
            + " up and reachable, then run again: "
            + RESUMES;
      }
      if (m.contains("connection refused")
          || m.contains("connection reset")
          || m.contains("connection to") && m.contains("refused")
          || m.contains("the connection attempt failed")
          || m.contains("an i/o error occurred while sending to the backend")) {
        return "Check that the server is up and reachable, then run again: " + RESUMES;
      }
      if (t instanceof OutOfMemoryError) {
        return "The pipeline ran out of memory: give it a larger heap (LAKESTREAM_JAVA_OPTS, for"
            + " example -Xmx4g), or a lower parallelism; every partition a task writes to between"
            + " two checkpoints keeps a file open with its own buffers. Then run again: "
            + RESUMES;
      }
    }
    return "";
  }

  /**
   * SQLSTATE class 08 (connection exception) and PostgreSQL's 57P (the server shut down, crashed,
   * or is starting).
   */
  private static boolean connectionLost(String sqlState) {
    return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("57P"));
  }

  private static String withoutFinalPeriod(String message) {
    String m = message.strip();
    return m.endsWith(".") && !m.endsWith("..") ? m.substring(0, m.length() - 1) : m;
  }

  private static String message(Throwable t) {
    if (t instanceof NoSuchFileException e) {
      return "no such file: " + e.getFile();
    }
    if (t instanceof FileSystemException e && e.getFile() != null) {
      return e.getReason() == null ? e.getFile() : e.getReason() + " (" + e.getFile() + ")";
    }
    return t.getMessage();
  }

  /**
   * The failure of a pipeline as one message: what failed, the cause in words, and what to do;
   * checkpoints committed before it stay committed.
   */
  public static PipelineException failure(String what, Throwable cause) {
    StringBuilder message = new StringBuilder(what);
    if (cause != null) {
      String described = describe(cause);
      if (!what.contains(described)) {
        message.append(": ").append(described);
      }
    }
    String advice = advice(cause);
    message
        .append(". ")
        .append(
            advice.isEmpty()
                ? "Checkpoints committed before it stay committed; run again to resume after the"
                    + " last one."
                : advice);
    return new PipelineException(message.toString(), cause);
  }
}
