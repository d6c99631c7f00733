-- Children's social care front door and flow by month and area (the child's current
-- postcode), from the case system (DfE CIN census and SSDA903 definitions):
-- contacts (and those progressing to a referral); referrals, and re-referrals: a referral
-- of a child within 12 months of their previous referral (the day 12 months on is outside);
-- assessments completed, and completed within 45 working days of their start (Monday to
-- Friday, not England and Wales bank holidays: _mart_calendar); child protection plans
-- started and open at the month's end; children starting to
-- be looked after (a placement not continuing one that ended the same day or the day
-- before) and looked after at the month's end.
WITH src AS (SELECT source, as_at FROM _mart_source WHERE service = 'childrens_social_care'),
ev AS (
    SELECT e.* FROM event AS e JOIN src USING (source)
    WHERE e.event_type IN ('contact', 'referral', 'assessment', 'cp_plan', 'cla_episode')
),
referral AS (
    SELECT source, source_record_id, event_date,
           lag(event_date) OVER (PARTITION BY source_record_id ORDER BY event_date, event_id)
               AS previous
    FROM ev WHERE event_type = 'referral'
),
placement AS (
    SELECT source, source_record_id, event_date, end_date,
           max(end_date) OVER (PARTITION BY source_record_id ORDER BY event_date, event_id
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_end
    FROM ev WHERE event_type = 'cla_episode'
),
months AS (
    SELECT m::DATE AS month, (m + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS month_end
    FROM range(
        (SELECT date_trunc('month', min(event_date)) FROM ev),
        (SELECT as_at FROM src) + INTERVAL 1 DAY, INTERVAL 1 MONTH) AS t(m)
),
flows AS (
    SELECT date_trunc('month', event_date)::DATE AS month, source, source_record_id,
           1 AS contacts,
           CASE WHEN detail ILIKE 'progress to referral%' THEN 1 ELSE 0 END AS contacts_to_referral,
           0 AS referrals, 0 AS re_referrals, 0 AS assessments_completed,
           0 AS assessments_within_45, 0 AS cp_plans_started, 0 AS cla_started
    FROM ev WHERE event_type = 'contact'
    UNION ALL
    SELECT date_trunc('month', event_date)::DATE, source, source_record_id, 0, 0, 1,
           CASE WHEN previous IS NOT NULL AND event_date < previous + INTERVAL 12 MONTH
                THEN 1 ELSE 0 END, 0, 0, 0, 0
    FROM referral
    UNION ALL
    SELECT date_trunc('month', a.end_date)::DATE, a.source, a.source_record_id, 0, 0, 0, 0, 1,
           CASE WHEN ce.workday_no - cs.workday_no <= 45 THEN 1 ELSE 0 END, 0, 0
    FROM ev AS a
    JOIN _mart_calendar AS cs ON cs.day = a.event_date
    JOIN _mart_calendar AS ce ON ce.day = a.end_date
    WHERE a.event_type = 'assessment' AND a.end_date IS NOT NULL
    UNION ALL
    SELECT date_trunc('month', event_date)::DATE, source, source_record_id, 0, 0, 0, 0, 0, 0,
           1, 0
    FROM ev WHERE event_type = 'cp_plan'
    UNION ALL
    SELECT date_trunc('month', event_date)::DATE, source, source_record_id, 0, 0, 0, 0, 0, 0,
           0, 1
    FROM placement
    WHERE previous_end IS NULL OR previous_end < event_date - INTERVAL 1 DAY
),
stocks AS (
    -- Open at the month's end: started by then and not ended by then.
    SELECT m.month, e.source, e.source_record_id,
           max(CASE WHEN e.event_type = 'cp_plan' THEN 1 ELSE 0 END) AS cp_open,
           max(CASE WHEN e.event_type = 'cla_episode' THEN 1 ELSE 0 END) AS cla_open
    FROM months AS m
    JOIN ev AS e
        ON e.event_type IN ('cp_plan', 'cla_episode') AND e.event_date <= m.month_end
       AND (e.end_date IS NULL OR e.end_date > m.month_end)
    GROUP BY ALL
),
per_child AS (
    SELECT month, source, source_record_id, sum(contacts) AS contacts,
           sum(contacts_to_referral) AS contacts_to_referral, sum(referrals) AS referrals,
           sum(re_referrals) AS re_referrals, sum(assessments_completed) AS assessments_completed,
           sum(assessments_within_45) AS assessments_within_45,
           sum(cp_plans_started) AS cp_plans_started, sum(cla_started) AS cla_started,
           0 AS cp_open, 0 AS cla_open
    FROM flows GROUP BY ALL
    UNION ALL
    SELECT month, source, source_record_id, 0, 0, 0, 0, 0, 0, 0, 0, cp_open, cla_open
    FROM stocks
)
SELECT c.month, _mart_financial_year(c.month) AS financial_year, pr.ward_code, pr.lsoa_code,
       sum(c.contacts) AS contacts, sum(c.contacts_to_referral) AS contacts_to_referral,
       sum(c.referrals) AS referrals, sum(c.re_referrals) AS re_referrals,
       sum(c.assessments_completed) AS assessments_completed,
       sum(c.assessments_within_45) AS assessments_within_45,
       sum(c.cp_plans_started) AS cp_plans_started,
       sum(c.cp_open) AS children_on_cp_plan,
       sum(c.cla_started) AS cla_started,
       sum(c.cla_open) AS children_looked_after
FROM per_child AS c
JOIN _mart_person AS pr USING (source, source_record_id)
WHERE c.month <= (SELECT as_at FROM src)
GROUP BY ALL
