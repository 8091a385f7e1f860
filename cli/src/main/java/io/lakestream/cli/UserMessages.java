package io.lakestream.cli;

import io.lakestream.core.spec.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns what went wrong into the words the command line prints: secrets masked, Java class names
 * left out, file-system errors said as what happened to which file.
 */
final class UserMessages {
  /** {@code java.io.IOException: } and the like, which third-party messages embed. */
  private static final Pattern CLASS_PREFIX =
      Pattern.compile("\\b(?:[a-z][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ");

  private UserMessages() {}

  /** Any text the command line prints: secrets masked, exception class names removed. */
  static String clean(String text) {
    return text == null ? null : CLASS_PREFIX.matcher(Secrets.maskText(text)).replaceAll("");
  }

  /**
   * The message of a failure the user can act on: its own message, then, for an I/O failure, what
   * happened to which file.
   */
  static String of(Throwable e) {
    if (e instanceof UncheckedIOException u) {
      return clean(withoutCause(u) + ": " + of(u.getCause()));
    }
    if (e instanceof IOException io) {
      return clean(io(io));
    }
    return clean(e.getMessage() == null ? "failed without a message" : e.getMessage());
  }

  private static String withoutCause(UncheckedIOException e) {
    String message = e.getMessage();
    String cause = e.getCause().toString();
    return message.endsWith(cause)
        ? message.substring(0, message.length() - cause.length())
        : message;
  }

  private static String io(IOException e) {
    String what;
    if (e instanceof NoSuchFileException) {
      what = "no such file or directory";
    } else if (e instanceof AccessDeniedException) {
      what = "permission denied";
    } else if (e instanceof FileAlreadyExistsException) {
      what = "already exists";
    } else if (e instanceof NotDirectoryException) {
      what = "is not a directory";
    } else if (e instanceof FileSystemException fs && fs.getReason() != null) {
      what = fs.getReason().toLowerCase(Locale.ROOT);
    } else {
      return e.getMessage() == null ? "input/output error" : e.getMessage();
    }
    String file = e instanceof FileSystemException fs ? fs.getFile() : null;
    return file == null ? what : file + ": " + what;
  }
}
