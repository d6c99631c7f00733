-- Headline measures by ward and by LSOA, per year, from the other marts: what the map
-- colours. value = numerator / denominator (times 100 for rates), or the count when
-- denominator is NULL. Years are academic for schools (2024/25) and financial for social
-- care and early help (2024-25).
WITH measures AS (
    SELECT 'attendance' AS mart, 'overall_absence_rate' AS measure, academic_year AS year,
           ward_code, lsoa_code, sum(absence_pct_sum) AS numerator,
           sum(pupil_terms) * 100.0 AS denominator
    FROM mart_attendance GROUP BY ALL
    UNION ALL
    SELECT 'attendance', 'persistent_absence_rate', academic_year, ward_code, lsoa_code,
           sum(persistent), sum(pupil_terms)
    FROM mart_attendance GROUP BY ALL
    UNION ALL
    -- Weekly attendance: the year to date at the latest week of each academic year.
    SELECT 'attendance_week', 'persistent_absence_rate', academic_year, ward_code, lsoa_code,
           sum(persistent), sum(pupils)
    FROM mart_attendance_week
    WHERE (academic_year, week_start) IN (SELECT (academic_year, max(week_start))
                                          FROM mart_attendance_week GROUP BY academic_year)
    GROUP BY ALL
    UNION ALL
    SELECT 'exclusions', 'suspensions', academic_year, ward_code, lsoa_code,
           sum(suspensions), NULL
    FROM mart_exclusions GROUP BY ALL
    UNION ALL
    SELECT 'send', 'issued_within_20_weeks', calendar_year::VARCHAR, ward_code, lsoa_code,
           sum(within_20_weeks_excl), nullif(sum(plans_counted), 0)
    FROM mart_send GROUP BY ALL
    UNION ALL
    SELECT 'csc_flow', 'referrals', financial_year, ward_code, lsoa_code, sum(referrals), NULL
    FROM mart_csc_flow GROUP BY ALL
    UNION ALL
    SELECT 'csc_flow', 're_referral_rate', financial_year, ward_code, lsoa_code,
           sum(re_referrals), nullif(sum(referrals), 0)
    FROM mart_csc_flow GROUP BY ALL
    UNION ALL
    SELECT 'early_help', 'episodes_started', financial_year, ward_code, lsoa_code,
           sum(started), NULL
    FROM mart_early_help GROUP BY ALL
)
SELECT mart, measure, year, 'ward' AS area_level, ward_code AS area_code,
       sum(numerator) AS numerator, sum(denominator) AS denominator
FROM measures GROUP BY ALL
UNION ALL
SELECT mart, measure, year, 'lsoa', lsoa_code, sum(numerator), sum(denominator)
FROM measures GROUP BY ALL
