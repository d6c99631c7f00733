-- Early help episodes by month, area and route in (the episode's category): started,
-- closed, open at the month's end, closed with outcomes achieved, and stepped up to
-- children's social care (a closing outcome starting "Step-up").
WITH src AS (SELECT source, as_at FROM _mart_source WHERE service = 'early_help'),
ep AS (
    SELECT e.source, e.source_record_id, e.event_date, e.end_date,
           coalesce(e.category, 'unknown') AS route, coalesce(e.detail, '') AS outcome
    FROM event AS e JOIN src USING (source)
    WHERE e.event_type = 'early_help_episode'
),
months AS (
    SELECT m::DATE AS month, (m + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS month_end
    FROM range((SELECT date_trunc('month', min(event_date)) FROM ep),
               (SELECT as_at FROM src) + INTERVAL 1 DAY, INTERVAL 1 MONTH) AS t(m)
),
counted AS (
    SELECT date_trunc('month', event_date)::DATE AS month, source, source_record_id, route,
           1 AS started, 0 AS closed, 0 AS outcomes_achieved, 0 AS stepped_up, 0 AS open_at_end
    FROM ep
    UNION ALL
    SELECT date_trunc('month', end_date)::DATE, source, source_record_id, route, 0, 1,
           CASE WHEN outcome ILIKE '%outcomes achieved%' THEN 1 ELSE 0 END,
           CASE WHEN outcome ILIKE 'step-up%' THEN 1 ELSE 0 END, 0
    FROM ep WHERE end_date IS NOT NULL
    UNION ALL
    SELECT m.month, e.source, e.source_record_id, e.route, 0, 0, 0, 0, 1
    FROM months AS m
    JOIN ep AS e ON e.event_date <= m.month_end AND (e.end_date IS NULL OR e.end_date > m.month_end)
)
SELECT c.month, _mart_financial_year(c.month) AS financial_year, pr.ward_code, pr.lsoa_code,
       c.route,
       sum(c.started) AS started, sum(c.closed) AS closed,
       sum(c.outcomes_achieved) AS outcomes_achieved, sum(c.stepped_up) AS stepped_up,
       sum(c.open_at_end) AS open_at_end
FROM counted AS c
JOIN _mart_person AS pr USING (source, source_record_id)
WHERE c.month <= (SELECT as_at FROM src)
GROUP BY ALL
