-- SEND: EHC needs assessment requests by month received, and EHC plans by month issued, by
-- area. As DfE SEN2 counts it, a plan is issued within 20 weeks when it is issued no more
-- than 140 days after the request. SEN2's measure excludes the plans to which an exception
-- to the limit applies (SEND Code of Practice 2015, 9.42: the LA asked a school or college
-- for advice during a closure of 4 weeks or more, exceptional personal circumstances, the
-- child or parent away from the area for 4 weeks or more), from both the plans counted and
-- those within 20 weeks, whenever the plan was issued:
--   plans_counted = plans_issued - exceptions; within_20_weeks_excl = within 20 weeks and no
--   exception (the SEN2 figure: within_20_weeks_excl / plans_counted);
--   within_20_weeks counts every plan issued within 20 weeks (including exceptions, over
--   plans_issued), as SEN2 also publishes.
WITH requests AS (
    SELECT date_trunc('month', request_date)::DATE AS month, source, source_record_id,
           1 AS requests, 0 AS plans_issued, 0 AS exceptions, 0 AS within_20_weeks,
           0 AS within_20_weeks_excl, 0 AS days_to_issue
    FROM _mart_ehc
),
plans AS (
    SELECT date_trunc('month', issue_date)::DATE AS month, source, source_record_id,
           0 AS requests, 1 AS plans_issued,
           CASE WHEN exception IS NOT NULL THEN 1 ELSE 0 END AS exceptions,
           CASE WHEN issue_date - request_date <= 140 THEN 1 ELSE 0 END AS within_20_weeks,
           CASE WHEN issue_date - request_date <= 140 AND exception IS NULL THEN 1 ELSE 0 END
               AS within_20_weeks_excl,
           issue_date - request_date AS days_to_issue
    FROM _mart_ehc WHERE issue_date IS NOT NULL
)
SELECT x.month, year(x.month) AS calendar_year, pr.ward_code, pr.lsoa_code,
       sum(x.requests) AS requests,
       sum(x.plans_issued) AS plans_issued,
       sum(x.exceptions) AS exceptions,
       sum(x.plans_issued) - sum(x.exceptions) AS plans_counted,
       sum(x.within_20_weeks) AS within_20_weeks,
       sum(x.within_20_weeks_excl) AS within_20_weeks_excl,
       sum(x.days_to_issue) AS days_to_issue_sum
FROM (SELECT * FROM requests UNION ALL SELECT * FROM plans) AS x
JOIN _mart_person AS pr USING (source, source_record_id)
GROUP BY ALL
