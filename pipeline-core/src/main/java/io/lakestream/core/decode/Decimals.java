package io.lakestream.core.decode;

import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Decimal values brought to a column's declared scale, never rounded. */
public final class Decimals {
  private Decimals() {}

  /**
   * The value with the column's scale. Costs the same for any exponent: {@code 1e999999999} is
   * rejected without computing its billion digits.
   *
   * @throws RecordException naming the field if that would round or the value has too many digits
   */
  public static BigDecimal fit(BigDecimal value, DataType.Decimal type, String path) {
    if (value.signum() == 0) {
      return value.setScale(type.scale()); // zero has any scale, at no cost
    }
    BigDecimal v = value;
    if (v.scale() > type.scale()) {
      // only trailing zeros may go; stripping them, unlike setScale, costs no more for 1e-999999999
      v = v.stripTrailingZeros();
      if (v.scale() > type.scale()) {
        throw new RecordException(
            "field "
                + path
                + ": "
                + describe(value)
                + " has more than "
                + type.scale()
                + " decimal places");
      }
    }
    long integerDigits = (long) v.precision() - v.scale(); // zero or less below 1
    if (integerDigits > type.precision() - type.scale()) {
      throw new RecordException(
          "field " + path + ": " + describe(value) + " does not fit " + type.name());
    }
    return v.setScale(type.scale(), RoundingMode.UNNECESSARY);
  }

  /** The value for a message: plain digits unless its exponent would make them too many. */
  private static String describe(BigDecimal value) {
    return JsonValues.abbreviate(
        Math.abs(value.scale()) <= 60 ? value.toPlainString() : value.toString());
  }
}
