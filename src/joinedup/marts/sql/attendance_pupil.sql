-- One row per pupil per term: the pupil-level attendance behind mart_attendance, for the
-- roles that may drill to named pupils. DfE measures: a pupil is persistently absent when
-- they miss 10% or more of their possible sessions, severely absent at 50% or more.
-- The extract gives each pupil-term's attendance as a percentage of possible sessions.
WITH att AS (
    SELECT e.source, e.source_record_id, e.event_id, e.event_date AS term_start,
           coalesce(e.detail, '') AS academic_year, coalesce(e.category, '') AS term,
           100 - e.value AS absence_pct
    FROM event AS e JOIN _mart_source AS s ON s.source = e.source AND s.service = 'education'
    WHERE e.event_type = 'attendance' AND e.value IS NOT NULL
),
placed AS (
    -- The enrolment that had started by the term's first two months: the school of record.
    SELECT a.*, en.school, en.ncy
    FROM att AS a
    ASOF LEFT JOIN _mart_enrolment AS en
        ON en.pupil = a.source_record_id AND a.term_start + INTERVAL 60 DAY >= en.start_date
),
grouped AS (
    SELECT p.*, s.provision, s.census_date
    FROM placed AS p
    ASOF LEFT JOIN _mart_sen AS s
        ON s.pupil = p.source_record_id AND p.term_start >= s.census_date
)
SELECT g.source, g.source_record_id, g.event_id, g.academic_year, g.term, g.term_start,
       coalesce(g.school, 'unknown') AS school, pr.ward_code, pr.lsoa_code,
       coalesce(nullif(pr.sex, ''), 'U') AS sex,
       _mart_sen_group(g.provision, g.census_date, g.term_start) AS sen,
       _mart_phase(g.ncy) AS phase,
       g.absence_pct,
       g.absence_pct >= 10 AS persistent,
       g.absence_pct >= 50 AS severe,
       lag(g.absence_pct >= 10) OVER (PARTITION BY g.source_record_id ORDER BY g.term_start)
           AS previous_persistent
FROM grouped AS g
JOIN _mart_person AS pr USING (source, source_record_id)
