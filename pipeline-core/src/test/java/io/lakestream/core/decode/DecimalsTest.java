package io.lakestream.core.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class DecimalsTest {
  private static final DataType.Decimal TYPE = new DataType.Decimal(10, 2);

  private static BigDecimal fit(String value) {
    return Decimals.fit(new BigDecimal(value), TYPE, "amount");
  }

  @Test
  void bringsValuesThatFitToTheScaleWithoutChangingThem() {
    assertThat(fit("12.5")).isEqualTo(new BigDecimal("12.50"));
    assertThat(fit("-99999999.990000")).isEqualTo(new BigDecimal("-99999999.99"));
    assertThat(fit("1.2E+3")).isEqualTo(new BigDecimal("1200.00"));
    assertThat(fit("0E+999999999")).isEqualTo(new BigDecimal("0.00"));
    assertThat(fit("0E-999999999")).isEqualTo(new BigDecimal("0.00"));
  }

  @Test
  void rejectsValuesThatWouldRoundOrHaveTooManyDigitsWhateverTheirExponent() {
    assertThatThrownBy(() -> fit("0.001"))
        .isInstanceOf(RecordException.class)
        .hasMessage("field amount: 0.001 has more than 2 decimal places");
    assertThatThrownBy(() -> fit("100000000"))
        .hasMessage("field amount: 100000000 does not fit decimal(10,2)");
    assertThatThrownBy(() -> fit("1.2E+8"))
        .hasMessage("field amount: 120000000 does not fit decimal(10,2)");
    assertThatThrownBy(() -> fit("1E+999999999"))
        .hasMessage("field amount: 1E+999999999 does not fit decimal(10,2)");
    assertThatThrownBy(() -> fit("1E-999999999"))
        .hasMessage("field amount: 1E-999999999 has more than 2 decimal places");
  }
}
