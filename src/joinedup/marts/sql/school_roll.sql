-- Pupils on roll on each January census day (approximated by 18 January), by school, area
-- and pupil group: the denominator of suspension and exclusion rates per 100 pupils, as DfE
-- divides by census headcount.
WITH census AS (
    SELECT make_date(y::INTEGER, 1, 18) AS census_day
    FROM range(
        (SELECT year(min(start_date)) FROM _mart_enrolment)::BIGINT,
        (SELECT year(as_at) + 1 FROM _mart_source WHERE service = 'education')::BIGINT
    ) AS t(y)
),
roll AS (
    SELECT c.census_day, en.pupil AS source_record_id, en.school, en.ncy
    FROM census AS c
    JOIN _mart_enrolment AS en
        ON en.start_date <= c.census_day AND (en.end_date IS NULL OR en.end_date > c.census_day)
    WHERE c.census_day <= (SELECT as_at FROM _mart_source WHERE service = 'education')
),
grouped AS (
    SELECT r.*, s.provision, s.census_date,
           (SELECT source FROM _mart_source WHERE service = 'education') AS source
    FROM roll AS r
    ASOF LEFT JOIN _mart_sen AS s ON s.pupil = r.source_record_id AND r.census_day >= s.census_date
)
SELECT _mart_academic_year(g.census_day) AS academic_year, g.census_day, g.school,
       pr.ward_code, pr.lsoa_code,
       coalesce(nullif(pr.sex, ''), 'U') AS sex,
       _mart_sen_group(g.provision, g.census_date, g.census_day) AS sen,
       _mart_phase(g.ncy) AS phase,
       count(DISTINCT g.source_record_id) AS pupils
FROM grouped AS g
JOIN _mart_person AS pr USING (source, source_record_id)
GROUP BY ALL
