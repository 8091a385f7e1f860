-- Rows and files per partition (here: day of event_time and category), to spot skew and small
-- files.
SELECT partition.event_time_day AS day,
       partition.category AS category,
       record_count AS records,
       file_count AS files,
       total_size AS bytes
FROM lakestream.shop."orders$partitions"
ORDER BY day, category;
