-- Weekly attendance by school week, school, area and pupil group (sex, SEN provision,
-- phase): the near-live view, rebuilt by every pipeline run.
-- This week: overall absence rate = sessions_absent / sessions_possible.
-- Year to date (to the end of the week): overall absence = ytd_absent / ytd_possible;
-- persistent absence rate = persistent / pupils (pupils missing 10% or more of their possible
-- sessions so far this academic year), severe at 50% or more. newly_persistent counts pupils
-- over the line this week who were under it at their previous week in the year (a pupil's
-- first week has no baseline and is not counted).
SELECT academic_year, week_start, week_end, week, school, ward_code, lsoa_code, sex, sen,
       phase,
       count(*) AS pupils,
       sum(sessions_possible) AS sessions_possible,
       sum(sessions_absent) AS sessions_absent,
       sum(authorised_absence) AS authorised_absence,
       sum(unauthorised_absence) AS unauthorised_absence,
       sum(ytd_possible) AS ytd_possible,
       sum(ytd_absent) AS ytd_absent,
       count(*) FILTER (WHERE persistent) AS persistent,
       count(*) FILTER (WHERE severe) AS severe,
       count(*) FILTER (WHERE persistent AND previous_persistent = false) AS newly_persistent
FROM mart_attendance_week_pupil
GROUP BY ALL
