package io.lakestream.core.decode;

import io.lakestream.core.spec.OptionValues;
import io.lakestream.core.spec.Registry;
import io.lakestream.core.spec.SchemaSpec;
import io.lakestream.core.spec.Section;
import io.lakestream.core.spec.SpecContext;
import io.lakestream.core.spec.SpecOption;
import java.util.List;

/**
 * One encoding of record values, selected by {@code source.kafka.format}: its name, whether its
 * records carry changes, the options it adds to the source section, and its decoders.
 * Implementations are found with {@link java.util.ServiceLoader} (see {@link Registry#formats()});
 * pipeline-core provides {@code json} and {@code avro}. A format holds no state, so that two specs
 * with the same format are equal.
 */
public interface RecordFormat {

  /** The name under {@code source.kafka.format}, e.g. {@code json}. */
  String name();

  /**
   * Whether records describe changes to keyed rows (inserts, updates and deletes) rather than new
   * rows: such records are decoded by {@link #changeDecoder}, others by {@link #decoder}.
   */
  boolean changes();

  /**
   * The options the format adds to the source section, e.g. {@code schema-file}; none by default.
   */
  default List<SpecOption<?>> options() {
    return List.of();
  }

  /**
   * Reads the values of {@link #options()} from the source section, adding one problem per mistake;
   * never throws for a user mistake.
   *
   * @return the values, or null when one of them has a mistake
   */
  default OptionValues read(Section section, SpecContext context) {
    return OptionValues.none();
  }

  /**
   * The schema of the records for a spec that declares none, or null when the spec must declare one
   * (the default). A format whose records carry their schema reads it with its options; when it
   * cannot, it reports why on {@code section} and returns {@link SchemaSpec#undeclared()}.
   *
   * @param options the values {@link #read} returned, or null when they have a mistake (reported)
   */
  default SchemaSpec schema(OptionValues options, Section section) {
    return null;
  }

  /**
   * A decoder of values into rows of {@code schema}, for a format without {@link #changes()}. One
   * per task.
   *
   * @param options the values {@link #read} returned
   */
  default RecordDecoder decoder(SchemaSpec schema, OptionValues options) {
    throw new UnsupportedOperationException(
        "Format " + name() + " carries changes: it has a change decoder");
  }

  /**
   * A decoder of values into changes of rows of {@code schema}, for a format with {@link
   * #changes()}. One per task.
   *
   * @param options the values {@link #read} returned
   */
  default ChangeDecoder changeDecoder(SchemaSpec schema, OptionValues options) {
    throw new UnsupportedOperationException(
        "Format " + name() + " carries new rows: it has a row decoder");
  }
}
