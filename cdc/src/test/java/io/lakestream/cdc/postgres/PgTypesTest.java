package io.lakestream.cdc.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.DataType.Decimal;
import io.lakestream.core.record.DataType.Primitive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PgTypesTest {

  /** A numeric type modifier as PostgreSQL's numeric typmodin packs it: ((p << 16) | s) + 4. */
  private static int numericTypmod(int precision, int scale) {
    return ((precision << 16) | (scale & 0x7ff)) + 4;
  }

  @ParameterizedTest(name = "{1} (OID {0}) -> {2}")
  @CsvSource({
    "16, bool, boolean",
    "17, bytea, binary",
    "18, char, string",
    "19, name, string",
    "20, int8, long",
    "21, int2, int",
    "23, int4, int",
    "25, text, string",
    "114, json, string",
    "142, xml, string",
    "700, float4, float",
    "701, float8, double",
    "869, inet, string",
    "1042, bpchar, string",
    "1043, varchar, string",
    "1082, date, date",
    "1083, time, string",
    "1114, timestamp, timestamp",
    "1184, timestamptz, timestamp",
    "1186, interval, string",
    "1266, timetz, string",
    "2950, uuid, string",
    "3802, jsonb, string",
  })
  void mapsBuiltInTypes(int oid, String pgName, String expected) {
    DataType type = PgTypes.dataType(oid, -1);

    assertThat(type.toString()).isEqualTo(expected);
    assertThat(PgTypes.typeName(oid)).isEqualTo(pgName);
  }

  @Test
  void typeModifiersOfNonNumericTypesDoNotMatter() {
    assertThat(PgTypes.dataType(PgTypes.VARCHAR, 14)).isEqualTo(Primitive.STRING);
    assertThat(PgTypes.dataType(PgTypes.BPCHAR, 8)).isEqualTo(Primitive.STRING);
    assertThat(PgTypes.dataType(PgTypes.TIMESTAMP, 3)).isEqualTo(Primitive.TIMESTAMP);
    assertThat(PgTypes.dataType(PgTypes.TIMESTAMPTZ, 0)).isEqualTo(Primitive.TIMESTAMP);
  }

  @ParameterizedTest(name = "numeric({0},{1}) -> {2}")
  @CsvSource({
    "10, 2, 'decimal(10,2)'",
    "1, 0, 'decimal(1,0)'",
    "38, 0, 'decimal(38,0)'",
    "38, 38, 'decimal(38,38)'",
    "18, 6, 'decimal(18,6)'",
    // PostgreSQL 15 allows a negative scale: numeric(2,-3) holds 12000, 5 integer digits
    "2, -3, 'decimal(5,0)'",
    // ... and a scale above the precision: numeric(3,5) holds 0.00123
    "3, 5, 'decimal(5,5)'",
    // more digits than any lakestream decimal holds: kept exactly as text
    "39, 2, string",
    "1000, 0, string",
    "37, -2, string",
  })
  void mapsNumericByPrecisionAndScale(int precision, int scale, String expected) {
    DataType type = PgTypes.dataType(PgTypes.NUMERIC, numericTypmod(precision, scale));

    assertThat(type.toString()).isEqualTo(expected);
  }

  @Test
  void readsTypeModifiersAsPostgresReportsThem() {
    // atttypmod values read from pg_attribute on PostgreSQL 15
    assertThat(PgTypes.dataType(PgTypes.NUMERIC, 655_366)).isEqualTo(new Decimal(10, 2));
    assertThat(PgTypes.dataType(PgTypes.NUMERIC, 133_121)).isEqualTo(new Decimal(5, 0));
    assertThat(PgTypes.dataType(PgTypes.NUMERIC, 196_617)).isEqualTo(new Decimal(5, 5));
    assertThat(PgTypes.dataType(PgTypes.NUMERIC, 65_536_004)).isEqualTo(Primitive.STRING);
  }

  @Test
  void numericWithoutModifierIsDecimal38Scale10() {
    assertThat(PgTypes.dataType(PgTypes.NUMERIC, -1)).isEqualTo(new Decimal(38, 10));
    assertThat(PgTypes.UNCONSTRAINED_NUMERIC).isEqualTo(new Decimal(38, 10));
  }

  @Test
  void arraysEnumsAndOtherUnknownTypesAreStrings() {
    int int4Array = 1007;
    int textArray = 1009;
    int userEnum = 16_390;
    int money = 790;

    assertThat(PgTypes.dataType(int4Array, -1)).isEqualTo(Primitive.STRING);
    assertThat(PgTypes.dataType(textArray, -1)).isEqualTo(Primitive.STRING);
    assertThat(PgTypes.dataType(userEnum, -1)).isEqualTo(Primitive.STRING);
    assertThat(PgTypes.dataType(money, -1)).isEqualTo(Primitive.STRING);
    assertThat(PgTypes.typeName(userEnum)).isEqualTo("type OID 16390");
    assertThat(PgTypes.typeName((int) 3_000_000_000L)).isEqualTo("type OID 3000000000");
  }
}
