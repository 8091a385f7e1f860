-- Data and delete files of a table: many small files slow queries down (compact them); delete
-- files (content 1: position, 2: equality) are applied on every read until compaction.
SELECT CASE content WHEN 0 THEN 'data' WHEN 1 THEN 'position deletes' ELSE 'equality deletes' END
         AS content,
       count(*) AS files,
       sum(record_count) AS records,
       min(file_size_in_bytes) AS smallest_bytes,
       max(file_size_in_bytes) AS largest_bytes
FROM lakestream.shop."orders$files"
GROUP BY content
ORDER BY content;
