-- Roll the pipeline's one-minute windows up to hours per category. Each window and category is
-- one row (corrections replace it), so sums over windows are exact.
SELECT date_trunc('hour', window_start) AS hour,
       category,
       count(*) AS windows,
       sum(orders) AS orders,
       sum(revenue) AS revenue
FROM lakestream.shop.orders_per_minute
GROUP BY 1, 2
ORDER BY 1, 2;
