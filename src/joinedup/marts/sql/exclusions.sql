-- Suspensions and permanent exclusions by academic year, month, school, area, pupil group
-- (sex, SEN provision, phase) and reason. The school is the one the pupil was enrolled at on
-- the day. Events are counted as DfE counts suspensions (a pupil suspended twice counts
-- twice); `pupils` is distinct within a row only, so do not add it up across rows.
WITH ex AS (
    SELECT e.source, e.source_record_id, e.event_date AS on_day, e.event_type AS kind,
           coalesce(e.category, 'unknown') AS reason, coalesce(e.value, 0) AS sessions
    FROM event AS e JOIN _mart_source AS s ON s.source = e.source AND s.service = 'education'
    WHERE e.event_type IN ('suspension', 'permanent_exclusion')
),
placed AS (
    SELECT x.*, en.school, en.ncy
    FROM ex AS x
    ASOF LEFT JOIN _mart_enrolment AS en
        ON en.pupil = x.source_record_id AND x.on_day >= en.start_date
),
grouped AS (
    SELECT p.*, s.provision, s.census_date
    FROM placed AS p
    ASOF LEFT JOIN _mart_sen AS s ON s.pupil = p.source_record_id AND p.on_day >= s.census_date
)
SELECT _mart_academic_year(g.on_day) AS academic_year,
       date_trunc('month', g.on_day)::DATE AS month,
       coalesce(g.school, 'unknown') AS school, pr.ward_code, pr.lsoa_code,
       coalesce(nullif(pr.sex, ''), 'U') AS sex,
       _mart_sen_group(g.provision, g.census_date, g.on_day) AS sen,
       _mart_phase(g.ncy) AS phase,
       g.reason,
       count(*) FILTER (WHERE g.kind = 'suspension') AS suspensions,
       count(*) FILTER (WHERE g.kind = 'permanent_exclusion') AS permanent_exclusions,
       coalesce(sum(g.sessions) FILTER (WHERE g.kind = 'suspension'), 0)::DOUBLE AS sessions_lost,
       count(DISTINCT g.source_record_id) AS pupils
FROM grouped AS g
JOIN _mart_person AS pr USING (source, source_record_id)
GROUP BY ALL
