-- Records that came after their window had closed (the watermark had passed window_end plus
-- allowed-lateness): not in any window row, kept here with the watermark they met.
SELECT event_id, category, amount, event_time, late_reason, late_watermark, source_offset
FROM lakestream.shop.orders_per_minute_late
ORDER BY event_id;
