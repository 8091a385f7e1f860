-- The latest state of a CDC table: one row per key, as the source table was at the last
-- committed checkpoint. Trino applies the equality deletes lakestream writes for updates and
-- deletes, so no de-duplication is needed here.
SELECT id, name, balance, updated_at
FROM lakestream.shop.customers
ORDER BY id;
