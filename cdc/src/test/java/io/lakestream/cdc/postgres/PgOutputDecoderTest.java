package io.lakestream.cdc.postgres;

import static io.lakestream.cdc.postgres.PgOutputBytes.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.cdc.postgres.PgOutputMessage.Begin;
import io.lakestream.cdc.postgres.PgOutputMessage.Commit;
import io.lakestream.cdc.postgres.PgOutputMessage.Delete;
import io.lakestream.cdc.postgres.PgOutputMessage.Insert;
import io.lakestream.cdc.postgres.PgOutputMessage.LogicalMessage;
import io.lakestream.cdc.postgres.PgOutputMessage.OldTupleKind;
import io.lakestream.cdc.postgres.PgOutputMessage.Origin;
import io.lakestream.cdc.postgres.PgOutputMessage.Relation;
import io.lakestream.cdc.postgres.PgOutputMessage.Relation.Column;
import io.lakestream.cdc.postgres.PgOutputMessage.ReplicaIdentity;
import io.lakestream.cdc.postgres.PgOutputMessage.Truncate;
import io.lakestream.cdc.postgres.PgOutputMessage.Type;
import io.lakestream.cdc.postgres.PgOutputMessage.Update;
import io.lakestream.cdc.postgres.TupleData.Kind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.replication.LogSequenceNumber;

class PgOutputDecoderTest {
  private static final Instant POSTGRES_EPOCH = Instant.parse("2000-01-01T00:00:00Z");
  private static final Instant COMMIT_TIME = Instant.parse("2024-05-01T12:34:56.123456Z");
  private static final int ORDERS = 16_385;

  private final PgOutputDecoder decoder = new PgOutputDecoder();

  private static long postgresMicros(Instant t) {
    return ChronoUnit.MICROS.between(POSTGRES_EPOCH, t);
  }

  private static long unixMicros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  private static long lsn(String text) {
    return LogSequenceNumber.valueOf(text).asLong();
  }

  @Test
  void decodesBeginWithUnixCommitTimeAndUnsignedXid() {
    ByteBuffer bytes =
        message('B')
            .int64(lsn("16/B374D848"))
            .int64(postgresMicros(COMMIT_TIME))
            .int32((int) 3_000_000_000L)
            .buffer();

    PgOutputMessage decoded = decoder.decode(bytes);

    assertThat(decoded)
        .isEqualTo(new Begin(0x16_B374_D848L, unixMicros(COMMIT_TIME), 3_000_000_000L));
  }

  @Test
  void decodesCommit() {
    ByteBuffer bytes =
        message('C')
            .byte1(0)
            .int64(lsn("0/16B3748"))
            .int64(lsn("0/16B3778"))
            .int64(postgresMicros(COMMIT_TIME))
            .buffer();

    assertThat(decoder.decode(bytes))
        .isEqualTo(new Commit(0, 0x16B3748L, 0x16B3778L, unixMicros(COMMIT_TIME)));
  }

  @Test
  void convertsTimestampsBeforePostgresEpoch() {
    Instant before = Instant.parse("1999-12-31T23:59:59.999999Z");
    ByteBuffer bytes = message('B').int64(1).int64(postgresMicros(before)).int32(7).buffer();

    Begin begin = (Begin) decoder.decode(bytes);

    assertThat(postgresMicros(before)).isNegative();
    assertThat(begin.commitTimeMicros()).isEqualTo(unixMicros(before));
    assertThat(PgOutputDecoder.toUnixMicros(0)).isEqualTo(unixMicros(POSTGRES_EPOCH));
  }

  @Test
  void decodesOrigin() {
    ByteBuffer bytes = message('O').int64(lsn("1/0")).string("pg_16390").buffer();

    assertThat(decoder.decode(bytes)).isEqualTo(new Origin(1L << 32, "pg_16390"));
  }

  @Test
  void decodesRelationWithKeyFlagsAndTypeModifiers() {
    int numeric10x2 = ((10 << 16) | 2) + 4;
    ByteBuffer bytes =
        message('R')
            .int32(ORDERS)
            .string("shop")
            .string("größe")
            .byte1('d')
            .int16(3)
            .column(1, "id", PgTypes.INT8, -1)
            .column(0, "amount", PgTypes.NUMERIC, numeric10x2)
            .column(0, "note", PgTypes.VARCHAR, 14)
            .buffer();

    Relation relation = (Relation) decoder.decode(bytes);

    assertThat(relation)
        .isEqualTo(
            new Relation(
                ORDERS,
                "shop",
                "größe",
                ReplicaIdentity.DEFAULT,
                List.of(
                    new Column(1, "id", 20, -1),
                    new Column(0, "amount", 1700, 655_366),
                    new Column(0, "note", 1043, 14))));
    assertThat(relation.columns()).extracting(Column::isKey).containsExactly(true, false, false);
    assertThat(relation.qualifiedName()).isEqualTo("shop.größe");
  }

  @Test
  void decodesEveryReplicaIdentity() {
    for (char code : new char[] {'d', 'n', 'f', 'i'}) {
      ByteBuffer bytes = message('R').int32(1).string("").string("t").byte1(code).int16(0).buffer();

      Relation relation = (Relation) decoder.decode(bytes);

      assertThat(relation.replicaIdentity().code()).isEqualTo(code);
      assertThat(relation.qualifiedName()).isEqualTo("t");
    }
  }

  @Test
  void decodesRelationOidAboveTwoToThe31() {
    long oid = 3_000_000_000L;
    ByteBuffer bytes =
        message('R').int32((int) oid).string("public").string("t").byte1('f').int16(0).buffer();

    Relation relation = (Relation) decoder.decode(bytes);

    assertThat(Integer.toUnsignedLong(relation.oid())).isEqualTo(oid);
    assertThat(relation.replicaIdentity()).isEqualTo(ReplicaIdentity.FULL);
  }

  @Test
  void decodesType() {
    ByteBuffer bytes = message('Y').int32(16_390).string("shop").string("mood").buffer();

    assertThat(decoder.decode(bytes)).isEqualTo(new Type(16_390, "shop", "mood"));
  }

  @Test
  void decodesInsertWithNullUnchangedAndTextValues() {
    ByteBuffer bytes =
        message('I')
            .int32(ORDERS)
            .byte1('N')
            .tuple(5)
            .text("42")
            .nullValue()
            .text("")
            .text("héllo wörld ✓")
            .unchangedToast()
            .buffer();

    Insert insert = (Insert) decoder.decode(bytes);

    assertThat(insert.relationOid()).isEqualTo(ORDERS);
    TupleData row = insert.newTuple();
    assertThat(row.size()).isEqualTo(5);
    assertThat(row.kind(0)).isEqualTo(Kind.TEXT);
    assertThat(row.text(0)).isEqualTo("42");
    assertThat(row.isNull(1)).isTrue();
    assertThat(row.text(1)).isNull();
    assertThat(row.text(2)).isEmpty();
    assertThat(row.text(3)).isEqualTo("héllo wörld ✓");
    assertThat(row.isUnchangedToast(4)).isTrue();
    assertThat(row)
        .isEqualTo(
            new TupleData(
                new Kind[] {Kind.TEXT, Kind.NULL, Kind.TEXT, Kind.TEXT, Kind.UNCHANGED_TOAST},
                new String[] {"42", null, "", "héllo wörld ✓", null}));
  }

  @Test
  void decodesUpdateWithoutOldTuple() {
    ByteBuffer bytes =
        message('U').int32(ORDERS).byte1('N').tuple(2).text("1").unchangedToast().buffer();

    Update update = (Update) decoder.decode(bytes);

    assertThat(update.oldKind()).isEqualTo(OldTupleKind.NONE);
    assertThat(update.oldTuple()).isNull();
    assertThat(update.newTuple())
        .isEqualTo(
            new TupleData(new Kind[] {Kind.TEXT, Kind.UNCHANGED_TOAST}, new String[] {"1", null}));
  }

  @Test
  void decodesUpdateWithOldKey() {
    ByteBuffer bytes =
        message('U')
            .int32(ORDERS)
            .byte1('K')
            .tuple(2)
            .text("1")
            .nullValue()
            .byte1('N')
            .tuple(2)
            .text("2")
            .text("new")
            .buffer();

    Update update = (Update) decoder.decode(bytes);

    assertThat(update)
        .isEqualTo(
            new Update(
                ORDERS,
                OldTupleKind.KEY,
                TupleData.ofTexts("1", null),
                TupleData.ofTexts("2", "new")));
  }

  @Test
  void decodesUpdateWithWholeOldRow() {
    ByteBuffer bytes =
        message('U')
            .int32(ORDERS)
            .byte1('O')
            .tuple(2)
            .text("1")
            .text("old")
            .byte1('N')
            .tuple(2)
            .text("1")
            .text("new")
            .buffer();

    Update update = (Update) decoder.decode(bytes);

    assertThat(update.oldKind()).isEqualTo(OldTupleKind.FULL);
    assertThat(update.oldTuple()).isEqualTo(TupleData.ofTexts("1", "old"));
    assertThat(update.newTuple()).isEqualTo(TupleData.ofTexts("1", "new"));
  }

  @Test
  void decodesDeleteWithKey() {
    ByteBuffer bytes =
        message('D').int32(ORDERS).byte1('K').tuple(2).text("7").nullValue().buffer();

    assertThat(decoder.decode(bytes))
        .isEqualTo(new Delete(ORDERS, OldTupleKind.KEY, TupleData.ofTexts("7", null)));
  }

  @Test
  void decodesDeleteWithWholeOldRow() {
    ByteBuffer bytes =
        message('D').int32(ORDERS).byte1('O').tuple(2).text("7").text("gone").buffer();

    assertThat(decoder.decode(bytes))
        .isEqualTo(new Delete(ORDERS, OldTupleKind.FULL, TupleData.ofTexts("7", "gone")));
  }

  @Test
  void decodesTruncateWithOptions() {
    ByteBuffer bytes = message('T').int32(2).byte1(1 | 2).int32(ORDERS).int32(ORDERS + 1).buffer();

    Truncate truncate = (Truncate) decoder.decode(bytes);

    assertThat(truncate.relationOids()).containsExactly(ORDERS, ORDERS + 1);
    assertThat(truncate.cascade()).isTrue();
    assertThat(truncate.restartIdentity()).isTrue();
  }

  @Test
  void decodesTruncateWithoutOptions() {
    ByteBuffer bytes = message('T').int32(1).byte1(0).int32(ORDERS).buffer();

    Truncate truncate = (Truncate) decoder.decode(bytes);

    assertThat(truncate).isEqualTo(new Truncate(0, List.of(ORDERS)));
    assertThat(truncate.cascade()).isFalse();
    assertThat(truncate.restartIdentity()).isFalse();
  }

  @Test
  void decodesLogicalDecodingMessage() {
    byte[] content = {0, 1, 2, (byte) 0xff};
    ByteBuffer bytes =
        message('M')
            .byte1(1)
            .int64(lsn("0/ABC"))
            .string("lakestream")
            .int32(content.length)
            .raw(content)
            .buffer();

    LogicalMessage m = (LogicalMessage) decoder.decode(bytes);

    assertThat(m.transactional()).isTrue();
    assertThat(m.lsn()).isEqualTo(0xABCL);
    assertThat(m.prefix()).isEqualTo("lakestream");
    assertThat(m.content()).isEqualTo(ByteBuffer.wrap(content));
  }

  @Test
  void readsFromTheBufferPositionAndLeavesTheBufferAsItWas() {
    byte[] message = message('Y').int32(5).string("").string("t").toByteArray();
    byte[] framed = new byte[message.length + 10];
    System.arraycopy(message, 0, framed, 7, message.length);
    ByteBuffer buffer = ByteBuffer.wrap(framed, 7, message.length);

    PgOutputMessage decoded = decoder.decode(buffer);

    assertThat(decoded).isEqualTo(new Type(5, "", "t"));
    assertThat(buffer.position()).isEqualTo(7);
    assertThat(buffer.limit()).isEqualTo(7 + message.length);
  }

  @Test
  void decodesFromDirectAndReadOnlyBuffers() {
    byte[] message = message('I').int32(ORDERS).byte1('N').tuple(1).text("ü").toByteArray();
    ByteBuffer direct = ByteBuffer.allocateDirect(message.length).put(message).flip();
    ByteBuffer readOnly = ByteBuffer.wrap(message).asReadOnlyBuffer();

    Insert expected = new Insert(ORDERS, TupleData.ofTexts("ü"));
    assertThat(decoder.decode(direct)).isEqualTo(expected);
    assertThat(decoder.decode(readOnly)).isEqualTo(expected);
  }

  @Test
  void rejectsBinaryTupleValues() {
    ByteBuffer bytes =
        message('I')
            .int32(ORDERS)
            .byte1('N')
            .tuple(2)
            .text("1")
            .byte1('b')
            .int32(4)
            .int32(42)
            .buffer();

    assertThatThrownBy(() -> decoder.decode(bytes))
        .isInstanceOf(PgOutputException.class)
        .hasMessage(
            "Column 1 is in binary format ('b'); start replication without the pgoutput"
                + " 'binary' option so that values arrive as text");
  }

  @Test
  void rejectsUnknownMessageTypeNamingTheByte() {
    ByteBuffer streamStart = message('S').int32(1).byte1(1).buffer();
    ByteBuffer unprintable = message((char) 0x01).buffer();

    assertThatThrownBy(() -> decoder.decode(streamStart))
        .isInstanceOf(PgOutputException.class)
        .hasMessage(
            "Unknown pgoutput message type 'S' (0x53); this decoder reads protocol version 1"
                + " without the streaming option");
    assertThatThrownBy(() -> decoder.decode(unprintable))
        .hasMessageStartingWith("Unknown pgoutput message type 0x01;");
  }

  @Test
  void rejectsUnknownTupleValueKind() {
    ByteBuffer bytes = message('I').int32(ORDERS).byte1('N').tuple(1).byte1('x').buffer();

    assertThatThrownBy(() -> decoder.decode(bytes))
        .isInstanceOf(PgOutputException.class)
        .hasMessage("Unknown tuple value kind 'x' (0x78) for column 0");
  }

  @Test
  void rejectsTruncatedMessages() {
    ByteBuffer shortBegin = message('B').int64(1).int32(0).buffer();
    ByteBuffer shortText =
        message('I')
            .int32(ORDERS)
            .byte1('N')
            .tuple(1)
            .byte1('t')
            .int32(10)
            .raw(new byte[3])
            .buffer();
    ByteBuffer unterminated =
        message('Y').int32(5).raw("abc".getBytes(StandardCharsets.UTF_8)).buffer();

    assertThatThrownBy(() -> decoder.decode(shortBegin))
        .isInstanceOf(PgOutputException.class)
        .hasMessage("Truncated pgoutput 'B' (0x42) message: 13 bytes are not enough");
    assertThatThrownBy(() -> decoder.decode(shortText))
        .isInstanceOf(PgOutputException.class)
        .hasMessage("Column 0 claims 10 bytes of text but 3 remain in the pgoutput message");
    assertThatThrownBy(() -> decoder.decode(unterminated))
        .isInstanceOf(PgOutputException.class)
        .hasMessage("Unterminated string at byte 5 of pgoutput message");
    assertThatThrownBy(() -> decoder.decode(ByteBuffer.allocate(0)))
        .isInstanceOf(PgOutputException.class)
        .hasMessage("Empty pgoutput message");
  }

  @Test
  void rejectsTrailingBytes() {
    // protocol version 2 puts a transaction id before the relation OID of streamed changes
    ByteBuffer bytes = message('T').int32(0).byte1(0).int32(ORDERS).buffer();

    assertThatThrownBy(() -> decoder.decode(bytes))
        .isInstanceOf(PgOutputException.class)
        .hasMessage(
            "4 unexpected bytes after a pgoutput 'T' (0x54) message of 6 bytes; is the server"
                + " sending a protocol version other than 1?");
  }

  @Test
  void rejectsMissingNewTupleMarker() {
    ByteBuffer insert = message('I').int32(ORDERS).byte1('K').tuple(0).buffer();
    ByteBuffer update = message('U').int32(ORDERS).byte1('K').tuple(0).byte1('X').buffer();
    ByteBuffer delete = message('D').int32(ORDERS).byte1('N').tuple(0).buffer();

    assertThatThrownBy(() -> decoder.decode(insert))
        .hasMessage("Expected 'N' in pgoutput 'I' (0x49) message, found 'K' (0x4B)");
    assertThatThrownBy(() -> decoder.decode(update))
        .hasMessage("Expected 'N' (new tuple) in pgoutput 'U' message, found 'X' (0x58)");
    assertThatThrownBy(() -> decoder.decode(delete))
        .hasMessage(
            "Expected 'K' (key) or 'O' (old tuple) in pgoutput 'D' message, found 'N' (0x4E)");
  }

  @Test
  void rejectsUnknownReplicaIdentity() {
    ByteBuffer bytes = message('R').int32(1).string("").string("t").byte1('z').int16(0).buffer();

    assertThatThrownBy(() -> decoder.decode(bytes))
        .isInstanceOf(PgOutputException.class)
        .hasMessage("Unknown replica identity 'z' (0x7A) in Relation message");
  }
}
