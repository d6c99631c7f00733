-- Open EHC needs assessment requests on the day the education data is current to: no plan
-- issued and no decision not to issue. Record level (the pupil's id in the education
-- source), for the roles that may see named pupils; others see the counts by band.
-- days_left is to the 20-week (140-day) deadline; negative once breached.
WITH open_requests AS (
    SELECT h.*, s.as_at, (h.request_date + 140)::DATE AS deadline
    FROM _mart_ehc AS h JOIN _mart_source AS s ON s.service = 'education'
    WHERE h.issue_date IS NULL
      AND coalesce(h.decision, '') NOT ILIKE 'not issued%'
      AND h.request_date <= s.as_at
),
placed AS (
    SELECT o.*, en.school
    FROM open_requests AS o
    ASOF LEFT JOIN _mart_enrolment AS en
        ON en.pupil = o.source_record_id AND o.as_at >= en.start_date
)
SELECT p.source, p.source_record_id, p.request_id, p.request_date, p.deadline, p.as_at,
       1 AS requests,
       p.deadline - p.as_at AS days_left,
       CASE WHEN p.deadline < p.as_at THEN 'Breached'
            WHEN p.deadline - p.as_at <= 28 THEN '4 weeks or less'
            WHEN p.deadline - p.as_at <= 56 THEN '5 to 8 weeks'
            ELSE 'More than 8 weeks' END AS band,
       coalesce(p.school, 'unknown') AS school, pr.ward_code, pr.lsoa_code,
       p.exception
FROM placed AS p
JOIN _mart_person AS pr USING (source, source_record_id)
