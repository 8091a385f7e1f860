-- Which lakestream pipeline and checkpoint produced each snapshot of a table: every commit
-- lakestream makes carries them in the snapshot summary, with the source positions it covers.
SELECT snapshot_id,
       committed_at,
       operation,
       summary['lakestream.pipeline-id'] AS pipeline,
       CAST(summary['lakestream.checkpoint-id'] AS bigint) AS checkpoint_id,
       CAST(summary['added-records'] AS bigint) AS added_records,
       summary['lakestream.source-positions'] AS source_positions
FROM lakestream.shop."orders$snapshots"
ORDER BY committed_at, checkpoint_id;
