-- Shared staging for every mart: temporary tables, dropped when the build ends.
-- Each service is read from one source: the one whose data is most current (the live case
-- system, not the statutory returns filed at 31 March), so nothing is counted twice.
CREATE OR REPLACE TEMP TABLE _mart_source AS
SELECT service, arg_max(source, data_current_as_of) AS source,
       max(data_current_as_of) AS as_at
FROM source_freshness
WHERE service IN ('education', 'childrens_social_care', 'early_help', 'health')
GROUP BY service;

-- Where each person record lives now: its postcode through the postcode lookup. A record
-- without a known postcode is placed in the 'unknown' area rather than dropped.
CREATE OR REPLACE TEMP TABLE _mart_person AS
SELECT p.source, p.source_record_id,
       any_value(p.sex) AS sex,
       any_value(coalesce(g.lsoa_code, 'unknown')) AS lsoa_code,
       any_value(coalesce(g.ward_code, 'unknown')) AS ward_code
FROM person_record AS p
JOIN _mart_source AS s USING (source)
LEFT JOIN mart_postcode AS g ON g.postcode = p.postcode
GROUP BY p.source, p.source_record_id;

-- Working days: a running count of Mondays to Fridays that are not bank holidays in England
-- (_mart_bank_holiday, from `marts.holidays`), so the working days between two dates is a
-- subtraction.
CREATE OR REPLACE TEMP TABLE _mart_calendar AS
SELECT d::DATE AS day,
       sum(CASE WHEN isodow(d) <= 5 AND h.day IS NULL THEN 1 ELSE 0 END)
           OVER (ORDER BY d) AS workday_no
FROM range(DATE '1990-01-01', DATE '2060-01-01', INTERVAL 1 DAY) AS t(d)
LEFT JOIN _mart_bank_holiday AS h ON h.day = d::DATE;

-- School enrolments of the education source: which school a pupil was at on a date.
CREATE OR REPLACE TEMP TABLE _mart_enrolment AS
SELECT e.source_record_id AS pupil, e.event_date AS start_date, e.end_date,
       coalesce(e.detail, 'unknown') AS school,
       CASE WHEN e.category = 'R' THEN 0 ELSE try_cast(e.category AS INTEGER) END AS ncy
FROM event AS e JOIN _mart_source AS s ON s.source = e.source AND s.service = 'education'
WHERE e.event_type = 'enrolment';

-- SEN provision from the January census records: E (EHC plan) or K (SEN support).
CREATE OR REPLACE TEMP TABLE _mart_sen AS
SELECT e.source_record_id AS pupil, e.event_date AS census_date, e.category AS provision,
       e.detail AS primary_need
FROM event AS e JOIN _mart_source AS s ON s.source = e.source AND s.service = 'education'
WHERE e.event_type = 'sen_status';

-- The pupil groups every education mart shares. A census record older than 13 months is a
-- pupil who has left the SEN register.
CREATE OR REPLACE TEMP MACRO _mart_sen_group(provision, census_date, on_day) AS
    CASE WHEN census_date <= on_day - INTERVAL 13 MONTH THEN 'No SEN'
         WHEN provision = 'E' THEN 'EHC plan' WHEN provision = 'K' THEN 'SEN support'
         ELSE 'No SEN' END;

CREATE OR REPLACE TEMP MACRO _mart_phase(ncy) AS
    CASE WHEN ncy IS NULL THEN 'unknown' WHEN ncy <= 6 THEN 'Primary'
         WHEN ncy <= 11 THEN 'Secondary' ELSE 'Sixth form' END;

-- Academic year (1 September to 31 August) as DfE writes it: 2024/25.
CREATE OR REPLACE TEMP MACRO _mart_academic_year(on_day) AS
    (year(on_day) - CASE WHEN month(on_day) >= 9 THEN 0 ELSE 1 END)::VARCHAR || '/' ||
    lpad(((year(on_day) - CASE WHEN month(on_day) >= 9 THEN 0 ELSE 1 END + 1) % 100)::VARCHAR,
         2, '0');

-- Financial year (1 April to 31 March), the DfE reporting year for children's social care,
-- named by the year it ends in: 2024-25.
CREATE OR REPLACE TEMP MACRO _mart_financial_year(on_day) AS
    (year(on_day) - CASE WHEN month(on_day) >= 4 THEN 0 ELSE 1 END)::VARCHAR || '-' ||
    lpad(((year(on_day) - CASE WHEN month(on_day) >= 4 THEN 0 ELSE 1 END + 1) % 100)::VARCHAR,
         2, '0');

-- EHC needs assessment requests, each with the plan issued from it (the first plan issued
-- on or after the request and before the pupil's next request), as SEN2 pairs them.
CREATE OR REPLACE TEMP TABLE _mart_ehc AS
WITH req AS (
    SELECT e.source, e.source_record_id, e.event_id AS request_id, e.event_date AS request_date,
           e.detail AS decision,
           lead(e.event_date) OVER (PARTITION BY e.source_record_id ORDER BY e.event_date)
               AS next_request
    FROM event AS e JOIN _mart_source AS s ON s.source = e.source AND s.service = 'education'
    WHERE e.event_type = 'ehcp_request'
),
plan AS (
    SELECT e.source_record_id, e.event_id AS plan_id, e.event_date AS issue_date
    FROM event AS e JOIN _mart_source AS s ON s.source = e.source AND s.service = 'education'
    WHERE e.event_type = 'ehcp_issued'
),
-- Exceptions to the 20-week limit (SEND Code of Practice 9.42), each naming its request.
exception AS (
    SELECT e.source, e.source_record_id, e.detail AS request_id,
           min(e.category) AS exception
    FROM event AS e JOIN _mart_source AS s ON s.source = e.source AND s.service = 'education'
    WHERE e.event_type = 'ehcp_exception' AND e.detail IS NOT NULL
    GROUP BY ALL
)
SELECT r.source, r.source_record_id, r.request_id, r.request_date, r.decision,
       min(p.issue_date) AS issue_date,
       arg_min(p.plan_id, p.issue_date) AS plan_id,
       any_value(x.exception) AS exception
FROM req AS r
LEFT JOIN plan AS p
    ON p.source_record_id = r.source_record_id AND p.issue_date >= r.request_date
   AND (r.next_request IS NULL OR p.issue_date < r.next_request)
LEFT JOIN exception AS x
    ON x.source = r.source AND x.source_record_id = r.source_record_id
   AND x.request_id = r.request_id
GROUP BY r.source, r.source_record_id, r.request_id, r.request_date, r.decision;
