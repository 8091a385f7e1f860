-- Records the pipeline could not decode or convert, with where they were in Kafka and why.
-- value holds the raw bytes; from_utf8 shows JSON as text.
SELECT topic, partition, "offset", stage, error, from_utf8(value) AS value
FROM lakestream.shop.orders_dead_letter
ORDER BY partition, "offset";
