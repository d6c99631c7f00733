-- Attendance by term, school, area and pupil group (sex, SEN provision, phase).
-- Overall absence rate = absence_pct_sum / pupil_terms; persistent absence rate =
-- persistent / pupil_terms. newly_persistent counts pupils persistently absent this term
-- who were not in their previous term (a pupil's first term has no baseline: not counted).
SELECT academic_year, term, term_start, academic_year || ' ' || term AS period, school, ward_code, lsoa_code, sex, sen, phase,
       count(*) AS pupil_terms,
       sum(absence_pct) AS absence_pct_sum,
       count(*) FILTER (WHERE persistent) AS persistent,
       count(*) FILTER (WHERE severe) AS severe,
       count(*) FILTER (WHERE persistent AND previous_persistent = false) AS newly_persistent
FROM mart_attendance_pupil
GROUP BY ALL
