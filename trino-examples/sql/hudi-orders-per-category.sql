-- Orders and revenue per category in the Hudi table (copy-on-write: every commit is visible)
SELECT category, count(*) AS orders, sum(amount) AS revenue
FROM hudi.shop.orders_hudi
GROUP BY category
ORDER BY category
