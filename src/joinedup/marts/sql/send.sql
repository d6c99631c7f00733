-- SEND: EHC needs assessment requests by month received, and EHC plans by month issued, by
-- area. As DfE SEN2 counts it, a plan is issued within 20 weeks when it is issued no more
-- than 140 days after the request; the SEN2 figure excludes cases where an exception
-- applies, and the extract records no exceptions, so plans_counted equals plans_issued.
WITH requests AS (
    SELECT date_trunc('month', request_date)::DATE AS month, source, source_record_id,
           1 AS requests, 0 AS plans_issued, 0 AS within_20_weeks, 0 AS days_to_issue
    FROM _mart_ehc
),
plans AS (
    SELECT date_trunc('month', issue_date)::DATE AS month, source, source_record_id,
           0 AS requests, 1 AS plans_issued,
           CASE WHEN issue_date - request_date <= 140 THEN 1 ELSE 0 END AS within_20_weeks,
           issue_date - request_date AS days_to_issue
    FROM _mart_ehc WHERE issue_date IS NOT NULL
)
SELECT x.month, year(x.month) AS calendar_year, pr.ward_code, pr.lsoa_code,
       sum(x.requests) AS requests,
       sum(x.plans_issued) AS plans_issued,
       sum(x.plans_issued) AS plans_counted,
       sum(x.within_20_weeks) AS within_20_weeks,
       sum(x.days_to_issue) AS days_to_issue_sum
FROM (SELECT * FROM requests UNION ALL SELECT * FROM plans) AS x
JOIN _mart_person AS pr USING (source, source_record_id)
GROUP BY ALL
