package io.lakestream.cdc.postgres;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.DataType.Primitive;

/**
 * Maps PostgreSQL column types (type OID plus type modifier, as a pgoutput Relation message gives
 * them) to lakestream {@link DataType}s.
 *
 * <table>
 *   <caption>Mapping</caption>
 *   <tr><th>PostgreSQL</th><th>lakestream</th></tr>
 *   <tr><td>bool</td><td>boolean</td></tr>
 *   <tr><td>int2, int4</td><td>int</td></tr>
 *   <tr><td>int8</td><td>long</td></tr>
 *   <tr><td>float4 / float8</td><td>float / double (NaN and infinities kept)</td></tr>
 *   <tr><td>numeric(p,s), p &le; 38</td><td>decimal(p,s)</td></tr>
 *   <tr><td>numeric (no modifier)</td><td>{@link #UNCONSTRAINED_NUMERIC decimal(38,10)}</td></tr>
 *   <tr><td>numeric needing more than 38 digits</td><td>string</td></tr>
 *   <tr><td>bytea</td><td>binary</td></tr>
 *   <tr><td>date</td><td>date</td></tr>
 *   <tr><td>timestamp, timestamptz</td><td>timestamp (timestamp without zone read as UTC)</td></tr>
 *   <tr><td>everything else</td><td>string: PostgreSQL's text output</td></tr>
 * </table>
 *
 * <p>Decisions:
 *
 * <ul>
 *   <li><b>numeric without a modifier</b> can hold any number, but a lake column needs a fixed
 *       scale. It maps to {@code decimal(38,10)}: 28 digits before the point cover any sum of
 *       bigints, 10 after it cover rates and prices. A value that needs more is a {@link
 *       io.lakestream.core.error.RecordException} from {@link PgValues}, never rounded; declare the
 *       column {@code numeric(p,s)} at the source to avoid that.
 *   <li><b>numeric(p,s) that needs more than 38 digits</b> ({@code p > 38}, or a negative scale
 *       pushing the integer digits past 38) maps to a string holding the exact text, because no
 *       decimal type holds it and a failure per value would stall the stream. A negative scale
 *       ({@code numeric(2,-3)}) maps to {@code decimal(p-s,0)}; a scale above the precision ({@code
 *       numeric(3,5)}) to {@code decimal(s,s)}.
 *   <li><b>time, timetz, interval</b> map to strings in PostgreSQL's output ({@code 12:34:56.5},
 *       {@code 12:34:56+05:30}, {@code 1 year 2 mons 04:05:06}): lakestream has no time-of-day or
 *       duration type, and the text keeps every value exactly. The interval text follows the
 *       server's {@code IntervalStyle}.
 *   <li><b>arrays</b> (every array type) map to strings in PostgreSQL's array text form, e.g.
 *       {@code {1,2,3}} or {@code {"a b",NULL}}: element types and nesting vary, and the text loses
 *       nothing.
 *   <li><b>types unknown here</b> (enums, domains, composites, ranges, extension types, {@code
 *       json}, {@code uuid}, {@code inet}, {@code money}, ...) map to strings. A domain over a
 *       number is therefore a string too: pgoutput names the domain, not its base type.
 *   <li>{@code bpchar} keeps the blank padding PostgreSQL prints.
 * </ul>
 */
public final class PgTypes {
  public static final int BOOL = 16;
  public static final int BYTEA = 17;
  public static final int CHAR = 18;
  public static final int NAME = 19;
  public static final int INT8 = 20;
  public static final int INT2 = 21;
  public static final int INT4 = 23;
  public static final int TEXT = 25;
  public static final int OID = 26;
  public static final int JSON = 114;
  public static final int XML = 142;
  public static final int FLOAT4 = 700;
  public static final int FLOAT8 = 701;
  public static final int MONEY = 790;
  public static final int INET = 869;
  public static final int BPCHAR = 1042;
  public static final int VARCHAR = 1043;
  public static final int DATE = 1082;
  public static final int TIME = 1083;
  public static final int TIMESTAMP = 1114;
  public static final int TIMESTAMPTZ = 1184;
  public static final int INTERVAL = 1186;
  public static final int TIMETZ = 1266;
  public static final int NUMERIC = 1700;
  public static final int UUID = 2950;
  public static final int JSONB = 3802;

  /** The type of a {@code numeric} column declared without precision and scale. */
  public static final DataType.Decimal UNCONSTRAINED_NUMERIC = new DataType.Decimal(38, 10);

  /** The largest precision a lakestream decimal has. */
  private static final int MAX_PRECISION = 38;

  /** {@code VARHDRSZ}: numeric type modifiers are offset by it. */
  private static final int TYPMOD_OFFSET = 4;

  private PgTypes() {}

  /**
   * The lakestream type for a column of the given PostgreSQL type; see the class javadoc. Never
   * fails: types it does not know are strings.
   *
   * @param typeOid the column's type OID
   * @param typeModifier the column's {@code atttypmod}, -1 if none
   */
  public static DataType dataType(int typeOid, int typeModifier) {
    return switch (typeOid) {
      case BOOL -> Primitive.BOOLEAN;
      case INT2, INT4 -> Primitive.INT;
      case INT8 -> Primitive.LONG;
      case FLOAT4 -> Primitive.FLOAT;
      case FLOAT8 -> Primitive.DOUBLE;
      case NUMERIC -> numeric(typeModifier);
      case BYTEA -> Primitive.BINARY;
      case DATE -> Primitive.DATE;
      case TIMESTAMP, TIMESTAMPTZ -> Primitive.TIMESTAMP;
      default -> Primitive.STRING;
    };
  }

  private static DataType numeric(int typeModifier) {
    if (typeModifier < TYPMOD_OFFSET) {
      return UNCONSTRAINED_NUMERIC;
    }
    int packed = typeModifier - TYPMOD_OFFSET;
    int precision = (packed >>> 16) & 0xffff;
    // the scale is an 11-bit signed field (negative scales exist since PostgreSQL 15)
    int scale = ((packed & 0x7ff) ^ 1024) - 1024;
    int digits;
    int lakeScale;
    if (scale < 0) {
      digits = precision - scale;
      lakeScale = 0;
    } else if (scale > precision) {
      digits = scale;
      lakeScale = scale;
    } else {
      digits = precision;
      lakeScale = scale;
    }
    if (digits < 1 || digits > MAX_PRECISION) {
      return Primitive.STRING;
    }
    return new DataType.Decimal(digits, lakeScale);
  }

  /**
   * The SQL name of a built-in type, for messages: {@code timestamptz}, {@code int4}; {@code "type
   * OID 12345"} for others.
   */
  public static String typeName(int typeOid) {
    return switch (typeOid) {
      case BOOL -> "bool";
      case BYTEA -> "bytea";
      case CHAR -> "char";
      case NAME -> "name";
      case INT8 -> "int8";
      case INT2 -> "int2";
      case INT4 -> "int4";
      case TEXT -> "text";
      case OID -> "oid";
      case JSON -> "json";
      case XML -> "xml";
      case FLOAT4 -> "float4";
      case FLOAT8 -> "float8";
      case MONEY -> "money";
      case INET -> "inet";
      case BPCHAR -> "bpchar";
      case VARCHAR -> "varchar";
      case DATE -> "date";
      case TIME -> "time";
      case TIMESTAMP -> "timestamp";
      case TIMESTAMPTZ -> "timestamptz";
      case INTERVAL -> "interval";
      case TIMETZ -> "timetz";
      case NUMERIC -> "numeric";
      case UUID -> "uuid";
      case JSONB -> "jsonb";
      default -> "type OID " + Integer.toUnsignedString(typeOid);
    };
  }
}
