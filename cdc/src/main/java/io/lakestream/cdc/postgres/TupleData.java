package io.lakestream.cdc.postgres;

import java.util.Arrays;
import java.util.Objects;

/**
 * The column values of one row in a pgoutput Insert, Update or Delete message, in the order of the
 * columns of the relation's latest {@link PgOutputMessage.Relation} message. Each value is SQL
 * {@code NULL}, an unchanged TOASTed value that the server did not send, or PostgreSQL's text
 * output for the value (parse it with {@link PgValues#parse}).
 *
 * <p>Immutable.
 */
public final class TupleData {

  /** What the server sent for one column. */
  public enum Kind {
    /** SQL {@code NULL} (protocol byte {@code 'n'}). */
    NULL,
    /**
     * The column is stored out of line (TOASTed) and did not change, so the server did not send it
     * (protocol byte {@code 'u'}); only Update messages carry these.
     */
    UNCHANGED_TOAST,
    /** A value in PostgreSQL's text output format (protocol byte {@code 't'}). */
    TEXT
  }

  private final Kind[] kinds;
  private final String[] texts;

  /**
   * A tuple of the given column kinds and texts.
   *
   * @param kinds one kind per column
   * @param texts one entry per column: the text for {@link Kind#TEXT} columns, {@code null} for the
   *     others
   * @throws IllegalArgumentException if the arrays differ in length or a text does not match its
   *     kind
   */
  public TupleData(Kind[] kinds, String[] texts) {
    this(kinds.clone(), texts.clone(), true);
  }

  /** The decoder's constructor: takes ownership of the arrays, which it has already checked. */
  TupleData(Kind[] kinds, String[] texts, boolean check) {
    if (check) {
      if (kinds.length != texts.length) {
        throw new IllegalArgumentException(
            "Tuple needs one text per kind: "
                + kinds.length
                + " kinds, "
                + texts.length
                + " texts");
      }
      for (int i = 0; i < kinds.length; i++) {
        Objects.requireNonNull(kinds[i], "kind");
        if ((kinds[i] == Kind.TEXT) != (texts[i] != null)) {
          throw new IllegalArgumentException(
              "Column " + i + " of kind " + kinds[i] + " has text " + texts[i]);
        }
      }
    }
    this.kinds = kinds;
    this.texts = texts;
  }

  /**
   * A tuple with a text value for every non-null entry of {@code texts} and {@link Kind#NULL} for
   * every null one.
   */
  public static TupleData ofTexts(String... texts) {
    Kind[] kinds = new Kind[texts.length];
    for (int i = 0; i < texts.length; i++) {
      kinds[i] = texts[i] == null ? Kind.NULL : Kind.TEXT;
    }
    return new TupleData(kinds, texts.clone(), false);
  }

  /** The number of columns. */
  public int size() {
    return kinds.length;
  }

  /** What the server sent for the column at {@code column}. */
  public Kind kind(int column) {
    return kinds[column];
  }

  /** The text of the column at {@code column}, or {@code null} unless its kind is TEXT. */
  public String text(int column) {
    return texts[column];
  }

  /** Whether the column at {@code column} is SQL {@code NULL}. */
  public boolean isNull(int column) {
    return kinds[column] == Kind.NULL;
  }

  /** Whether the column at {@code column} is an unchanged TOASTed value the server left out. */
  public boolean isUnchangedToast(int column) {
    return kinds[column] == Kind.UNCHANGED_TOAST;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TupleData other
        && Arrays.equals(kinds, other.kinds)
        && Arrays.equals(texts, other.texts);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(kinds) + Arrays.hashCode(texts);
  }

  /** The values as a list, {@code null} for NULL and {@code <unchanged>} for unchanged TOAST. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < kinds.length; i++) {
      if (i > 0) {
        s.append(", ");
      }
      switch (kinds[i]) {
        case NULL -> s.append("null");
        case UNCHANGED_TOAST -> s.append("<unchanged>");
        case TEXT -> s.append('\'').append(texts[i]).append('\'');
      }
    }
    return s.append(']').toString();
  }
}
