-- One row per pupil per school week of the education source's weekly attendance (sessions,
-- as a school MIS or the DfE daily attendance data share sends them): the pupil-level rows
-- behind mart_attendance_week, for the roles that may drill to named pupils.
-- DfE measures, on sessions: overall absence = sessions missed / sessions possible; a pupil
-- is persistently absent when they have missed 10% or more of their possible sessions in
-- the academic year to date (exactly 10% counts), severely absent at 50% or more. Computed
-- on whole numbers (missed * 10 >= possible), so no rounding moves a pupil across a line.
-- A week belongs to the academic year of its Friday (the week commencing Monday 31 August
-- starts the year when school opens on 3 September).
-- The year to date runs over all the pupil's schools that year; a week at two schools is
-- one row, at the school with more of that week's sessions. A school is named from the
-- schools list by its URN (the URN itself when the list does not have it).
WITH weeks AS (
    SELECT w.source, w.source_record_id, w.week_start,
           arg_max(w.school, w.sessions_possible) AS urn,
           sum(w.sessions_possible) AS sessions_possible,
           sum(coalesce(w.sessions_attended,
                        w.sessions_possible - coalesce(w.authorised_absence, 0)
                        - coalesce(w.unauthorised_absence, 0))) AS sessions_attended,
           sum(coalesce(w.authorised_absence, 0)) AS authorised_absence,
           sum(coalesce(w.unauthorised_absence, 0)) AS unauthorised_absence
    FROM attendance_week AS w
    JOIN _mart_source AS s ON s.source = w.source AND s.service = 'education'
    WHERE w.sessions_possible > 0
    GROUP BY ALL
),
ytd AS (
    SELECT *, _mart_academic_year(week_start + 4) AS academic_year,
           sessions_possible - sessions_attended AS sessions_absent,
           sum(sessions_possible) OVER pupil_year AS ytd_possible,
           sum(sessions_possible - sessions_attended) OVER pupil_year AS ytd_absent
    FROM weeks
    WINDOW pupil_year AS (PARTITION BY source, source_record_id,
                                       _mart_academic_year(week_start + 4)
                          ORDER BY week_start ROWS UNBOUNDED PRECEDING)
),
flagged AS (
    SELECT *, ytd_absent * 10 >= ytd_possible AS persistent,
           ytd_absent * 2 >= ytd_possible AS severe
    FROM ytd
),
placed AS (
    SELECT f.*, en.ncy
    FROM flagged AS f
    ASOF LEFT JOIN _mart_enrolment AS en
        ON en.pupil = f.source_record_id AND f.week_start + 4 >= en.start_date
),
grouped AS (
    SELECT p.*, s.provision, s.census_date
    FROM placed AS p
    ASOF LEFT JOIN _mart_sen AS s
        ON s.pupil = p.source_record_id AND p.week_start >= s.census_date
)
SELECT g.source, g.source_record_id, g.academic_year, g.week_start,
       (g.week_start + 4)::DATE AS week_end,
       'w/c ' || strftime(g.week_start, '%-d %b %Y') AS week,
       coalesce(m.school, g.urn) AS school,
       pr.ward_code, pr.lsoa_code,
       coalesce(nullif(pr.sex, ''), 'U') AS sex,
       _mart_sen_group(g.provision, g.census_date, g.week_start) AS sen,
       _mart_phase(g.ncy) AS phase,
       g.sessions_possible, g.sessions_attended, g.sessions_absent,
       g.authorised_absence, g.unauthorised_absence,
       g.ytd_possible, g.ytd_absent,
       round(100.0 * g.ytd_absent / g.ytd_possible, 1) AS ytd_absence_pct,
       g.persistent, g.severe,
       lag(g.persistent) OVER (PARTITION BY g.source, g.source_record_id, g.academic_year
                               ORDER BY g.week_start) AS previous_persistent
FROM grouped AS g
JOIN _mart_person AS pr USING (source, source_record_id)
LEFT JOIN (SELECT urn::VARCHAR AS urn, any_value(school) AS school FROM mart_school
           GROUP BY ALL) AS m ON m.urn = g.urn
