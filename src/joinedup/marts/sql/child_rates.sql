-- Children in need and children looked after at 31 March, with the children living in each
-- area then: what the rates per 10,000 children are made of (DfE's CIN census and SSDA903
-- measures), by financial year (31 March 2024 is the end of 2023-24) and area.
-- Numerators, from the case system: a child is in need on the day when work with them is
-- open then (started, not yet ended): an assessment, a child in need plan, a child
-- protection plan or a placement (the case system records a referral as a day, not an
-- episode with an end, so an open referral alone cannot be seen); looked after when a
-- placement is open. Denominator: the children aged 0 to 17 on the day on the child
-- health record (the health service's source: a child health information system registers
-- every child living in the area), by where each lives now. Without a health source the
-- denominator is empty and so are the rates built on it.
WITH csc AS (SELECT source, as_at FROM _mart_source WHERE service = 'childrens_social_care'),
health AS (SELECT source, as_at FROM _mart_source WHERE service = 'health'),
days AS (
    SELECT make_date(y::INTEGER, 3, 31) AS census_day
    FROM range(
        (SELECT min(year(e.event_date)) FROM event AS e JOIN csc USING (source)),
        (SELECT year(as_at) + 1 FROM csc)) AS t(y)
    WHERE make_date(y::INTEGER, 3, 31) <= (SELECT as_at FROM csc)
),
open_on AS (
    SELECT d.census_day, e.source, e.source_record_id,
           1 AS in_need,
           max(CASE WHEN e.event_type = 'cla_episode' THEN 1 ELSE 0 END) AS looked_after
    FROM days AS d
    JOIN event AS e
        ON e.source = (SELECT source FROM csc)
       AND e.event_type IN ('assessment', 'cin_plan', 'cp_plan', 'cla_episode')
       AND e.event_date <= d.census_day
       AND (e.end_date IS NULL OR e.end_date > d.census_day)
    GROUP BY ALL
),
cases AS (
    SELECT o.census_day, pr.ward_code, pr.lsoa_code, sum(o.in_need) AS children_in_need,
           sum(o.looked_after) AS children_looked_after, 0 AS children
    FROM open_on AS o JOIN _mart_person AS pr USING (source, source_record_id)
    GROUP BY ALL
),
registered AS (
    SELECT p.source, p.source_record_id, any_value(p.dob) AS dob
    FROM person_record AS p JOIN health USING (source)
    WHERE p.dob IS NOT NULL
    GROUP BY ALL
),
living AS (
    SELECT d.census_day, pr.ward_code, pr.lsoa_code, 0 AS children_in_need,
           0 AS children_looked_after, count(*) AS children
    FROM days AS d
    JOIN registered AS r
        ON r.dob <= d.census_day AND r.dob > d.census_day - INTERVAL 18 YEAR
    JOIN _mart_person AS pr USING (source, source_record_id)
    GROUP BY ALL
)
SELECT census_day, _mart_financial_year(census_day) AS financial_year, ward_code, lsoa_code,
       sum(children_in_need) AS children_in_need,
       sum(children_looked_after) AS children_looked_after,
       CASE WHEN (SELECT count(*) FROM health) > 0 THEN sum(children) END AS children
FROM (SELECT * FROM cases UNION ALL SELECT * FROM living)
GROUP BY ALL
