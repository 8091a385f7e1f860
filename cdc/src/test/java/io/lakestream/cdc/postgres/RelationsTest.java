package io.lakestream.cdc.postgres;

import static io.lakestream.cdc.postgres.PgOutputBytes.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.cdc.postgres.PgOutputMessage.Insert;
import io.lakestream.cdc.postgres.PgOutputMessage.Relation;
import io.lakestream.cdc.postgres.PgOutputMessage.Relation.Column;
import io.lakestream.cdc.postgres.PgOutputMessage.ReplicaIdentity;
import io.lakestream.cdc.postgres.PgOutputMessage.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelationsTest {
  private static final int ORDERS = 16_385;

  private final PgOutputDecoder decoder = new PgOutputDecoder();
  private final Relations relations = new Relations();

  private Relation decodeRelation(PgOutputBytes bytes) {
    return (Relation) decoder.decode(bytes.buffer());
  }

  @Test
  void aNewRelationMessageReplacesTheOldShapeMidStream() {
    Relation before =
        decodeRelation(
            message('R')
                .int32(ORDERS)
                .string("public")
                .string("orders")
                .byte1('d')
                .int16(1)
                .column(1, "id", PgTypes.INT8, -1));
    Relation after =
        decodeRelation(
            message('R')
                .int32(ORDERS)
                .string("public")
                .string("orders")
                .byte1('d')
                .int16(2)
                .column(1, "id", PgTypes.INT8, -1)
                .column(0, "note", PgTypes.TEXT, -1));
    Insert insert =
        (Insert)
            decoder.decode(
                message('I').int32(ORDERS).byte1('N').tuple(2).text("1").text("hi").buffer());

    assertThat(relations.put(before)).isNull();
    assertThat(relations.put(after)).isEqualTo(before);
    Relation current = relations.get(insert.relationOid());

    assertThat(current.columns()).extracting(Column::name).containsExactly("id", "note");
    assertThat(current.columns()).hasSize(insert.newTuple().size());
    assertThat(relations.size()).isEqualTo(1);
  }

  @Test
  void keepsRelationsApartByOid() {
    Relation a = new Relation(1, "s", "a", ReplicaIdentity.FULL, List.of());
    Relation b = new Relation(2, "s", "b", ReplicaIdentity.INDEX, List.of());

    relations.put(a);
    relations.put(b);

    assertThat(relations.get(1)).isEqualTo(a);
    assertThat(relations.get(2)).isEqualTo(b);
    assertThat(relations.find(3)).isEmpty();
    assertThat(relations.size()).isEqualTo(2);
  }

  @Test
  void aChangeToAnUnannouncedRelationIsAnError() {
    assertThatThrownBy(() -> relations.get(-1294967296))
        .isInstanceOf(PgOutputException.class)
        .hasMessage(
            "No Relation message seen for relation OID 3000000000 before a change to it; the"
                + " server sends one at the start of every replication session, so messages must"
                + " be read from the session's start on one Relations");
  }

  @Test
  void keepsTheLatestTypePerOid() {
    Type mood =
        (Type) decoder.decode(message('Y').int32(16_390).string("s").string("mood").buffer());
    Type renamed = new Type(16_390, "s", "feeling");

    assertThat(relations.put(mood)).isNull();
    assertThat(relations.put(renamed)).isEqualTo(mood);
    assertThat(relations.type(16_390)).contains(renamed);
    assertThat(relations.type(PgTypes.INT4)).isEmpty();
  }
}
