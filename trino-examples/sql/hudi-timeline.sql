-- The Hudi timeline as Trino sees it: one commit per lakestream checkpoint
-- (describe shows the checkpoint of each instant: lakestream describe --spec SPEC TABLE)
SELECT action, state, count(*) AS instants
FROM hudi.shop."orders_hudi$timeline"
GROUP BY action, state
ORDER BY action, state
