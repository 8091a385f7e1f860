package io.lakestream.cdc.debezium;

import io.lakestream.core.error.RecordException;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * How Kafka Connect and Debezium write decimals besides plain numbers: the unscaled value as bytes,
 * or a numeric string.
 */
final class ConnectDecimals {
  private ConnectDecimals() {}

  /** The decimal whose unscaled value is the big-endian two's-complement {@code bytes}. */
  static BigDecimal fromUnscaled(byte[] bytes, int scale, String path) {
    if (bytes.length == 0) {
      throw new RecordException("field " + path + ": empty bytes for a decimal");
    }
    return new BigDecimal(new BigInteger(bytes), scale);
  }

  /**
   * Whether {@code s} is spelled like a number ({@code -12.5}, {@code 1e3}) rather than like the
   * base64 of unscaled bytes. Strings of digits only are both; they are read as numbers.
   */
  static boolean looksNumeric(String s) {
    if (s.isEmpty()) {
      return false;
    }
    boolean digit = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E') {
        return false;
      }
    }
    return digit;
  }
}
