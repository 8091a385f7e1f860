-- The table as of one snapshot: pick a snapshot_id from snapshot-checkpoints.sql and pass it as
-- SNAPSHOT_ID (in Trino's command line, write the number in its place).
SELECT count(*) AS orders, sum(amount) AS revenue
FROM lakestream.shop.orders FOR VERSION AS OF ${SNAPSHOT_ID};
