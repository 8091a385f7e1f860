package io.lakestream.cdc.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cdc.postgres.PgOutputMessage.Begin;
import io.lakestream.cdc.postgres.PgOutputMessage.Commit;
import io.lakestream.cdc.postgres.PgOutputMessage.Delete;
import io.lakestream.cdc.postgres.PgOutputMessage.Insert;
import io.lakestream.cdc.postgres.PgOutputMessage.OldTupleKind;
import io.lakestream.cdc.postgres.PgOutputMessage.Relation;
import io.lakestream.cdc.postgres.PgOutputMessage.Relation.Column;
import io.lakestream.cdc.postgres.PgOutputMessage.ReplicaIdentity;
import io.lakestream.cdc.postgres.PgOutputMessage.Truncate;
import io.lakestream.cdc.postgres.PgOutputMessage.Update;
import io.lakestream.cdc.postgres.TupleData.Kind;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Messages a PostgreSQL 15.18 server sent, captured once so that this test needs no server. They
 * were recorded with {@code pg_logical_slot_peek_binary_changes(slot, NULL, NULL, 'proto_version',
 * '1', 'publication_names', 'lp')} after this script, in a session with {@code TimeZone} set to
 * {@code Asia/Kolkata}:
 *
 * <pre>
 * create table orders(id bigint primary key, amount numeric(10,2), placed timestamptz,
 *                     note text, big text);
 * alter table orders alter column big set storage external;
 * create publication lp for table orders;
 * insert into orders values (1, 12.50, '2024-05-01 12:34:56.123456+00', 'a', repeat('x', 10000));
 * -- replication slot created here
 * begin;
 * update orders set note = 'héllo' where id = 1;
 * insert into orders values (2, null, '1999-12-31 23:59:59.999999+00', 'b', 'small');
 * update orders set id = 3 where id = 2;
 * delete from orders where id = 3;
 * commit;
 * truncate orders;
 * </pre>
 *
 * The expected values below come from that script, not from the decoder.
 */
class PgOutputServerBytesTest {
  private static final String[] MESSAGES = {
    "42000000000158b5d8000303fdc2362430000002ee",
    "52000040177075626c6963006f7264657273006400050169640000000014ffffffff00616d6f756e7400000006a4"
        + "000a000600706c6163656400000004a0ffffffff006e6f74650000000019ffffffff00626967000000001"
        + "9ffffffff",
    "55000040174e0005740000000131740000000531322e35307400000020323032342d30352d30312031383a30343a"
        + "35362e3132333435362b30353a3330740000000668c3a96c6c6f75",
    "49000040174e00057400000001326e7400000020323030302d30312d30312030353a32393a35392e3939393939392"
        + "b30353a33307400000001627400000005736d616c6c",
    "55000040174b00057400000001326e6e6e6e4e00057400000001336e7400000020323030302d30312d30312030353a"
        + "32393a35392e3939393939392b30353a33307400000001627400000005736d616c6c",
    "44000040174b00057400000001336e6e6e6e",
    "4300000000000158b5d8000000000158b608000303fdc2362430",
    "42000000000158c1a8000303fdc2362bc5000002ef",
    "52000040177075626c6963006f7264657273006400050169640000000014ffffffff00616d6f756e7400000006a4"
        + "000a000600706c6163656400000004a0ffffffff006e6f74650000000019ffffffff00626967000000001"
        + "9ffffffff",
    "54000000010000004017",
    "4300000000000158c1a8000000000158c318000303fdc2362bc5",
  };
  private static final int ORDERS = 16_407;
  private static final String PLACED_1 = "2024-05-01 18:04:56.123456+05:30";
  private static final String PLACED_2 = "2000-01-01 05:29:59.999999+05:30";

  private final PgOutputDecoder decoder = new PgOutputDecoder();

  private PgOutputMessage message(int i) {
    return decoder.decode(ByteBuffer.wrap(HexFormat.of().parseHex(MESSAGES[i])));
  }

  private static long micros(String instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(instant));
  }

  @Test
  void decodesTheTransactionFrame() {
    Begin begin = (Begin) message(0);
    Commit commit = (Commit) message(6);
    Begin nextBegin = (Begin) message(7);

    assertThat(commit.commitLsn()).isEqualTo(begin.finalLsn());
    assertThat(commit.endLsn()).isGreaterThan(commit.commitLsn());
    assertThat(commit.commitTimeMicros()).isEqualTo(begin.commitTimeMicros());
    assertThat(commit.flags()).isZero();
    assertThat(begin.commitTimeMicros()).isGreaterThan(micros("2024-01-01T00:00:00Z"));
    assertThat(nextBegin.xid()).isEqualTo(begin.xid() + 1);
    assertThat(nextBegin.finalLsn()).isGreaterThan(commit.endLsn());
  }

  @Test
  void decodesTheRelationAsDeclared() {
    Relation relation = (Relation) message(1);

    assertThat(relation)
        .isEqualTo(
            new Relation(
                ORDERS,
                "public",
                "orders",
                ReplicaIdentity.DEFAULT,
                List.of(
                    new Column(1, "id", PgTypes.INT8, -1),
                    new Column(0, "amount", PgTypes.NUMERIC, ((10 << 16) | 2) + 4),
                    new Column(0, "placed", PgTypes.TIMESTAMPTZ, -1),
                    new Column(0, "note", PgTypes.TEXT, -1),
                    new Column(0, "big", PgTypes.TEXT, -1))));
    assertThat(message(8)).isEqualTo(relation);
  }

  @Test
  void decodesAnUpdateLeavingTheToastedColumnOut() {
    Update update = (Update) message(2);

    assertThat(update)
        .isEqualTo(
            new Update(
                ORDERS,
                OldTupleKind.NONE,
                null,
                new TupleData(
                    new Kind[] {Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.UNCHANGED_TOAST},
                    new String[] {"1", "12.50", PLACED_1, "héllo", null})));
    assertThat(PgValues.parseTimestamp(update.newTuple().text(2), PgTypes.TIMESTAMPTZ))
        .isEqualTo(micros("2024-05-01T12:34:56.123456Z"));
  }

  @Test
  void decodesAnInsertWithANull() {
    Insert insert = (Insert) message(3);

    assertThat(insert.newTuple()).isEqualTo(TupleData.ofTexts("2", null, PLACED_2, "b", "small"));
    assertThat(PgValues.parseTimestamp(insert.newTuple().text(2), PgTypes.TIMESTAMPTZ))
        .isEqualTo(micros("1999-12-31T23:59:59.999999Z"));
  }

  @Test
  void decodesAKeyChangeWithTheOldKey() {
    Update update = (Update) message(4);

    assertThat(update.oldKind()).isEqualTo(OldTupleKind.KEY);
    assertThat(update.oldTuple()).isEqualTo(TupleData.ofTexts("2", null, null, null, null));
    assertThat(update.newTuple()).isEqualTo(TupleData.ofTexts("3", null, PLACED_2, "b", "small"));
  }

  @Test
  void decodesADeleteWithTheKey() {
    assertThat(message(5))
        .isEqualTo(
            new Delete(ORDERS, OldTupleKind.KEY, TupleData.ofTexts("3", null, null, null, null)));
  }

  @Test
  void decodesATruncate() {
    assertThat(message(9)).isEqualTo(new Truncate(0, List.of(ORDERS)));
  }
}
