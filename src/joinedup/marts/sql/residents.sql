-- People living in each area on the snapshot date, by age band: the population every
-- neighbourhood figure can be set against. A person is a resident where the person index
-- places them at an address that day: their current household membership (the `household`
-- and `household_member` tables a link run writes; `_mart_resident` stages one address per
-- person, the latest move-in), placed in an LSOA and ward through the postcode lookup like
-- every mart's people ('unknown' when the postcode is not in it: outside the borough or
-- not matched). The snapshot date is the newest data_current_as_of, as households use it.
-- Age in whole years that day from the person index's date of birth; people without one
-- are counted in age_not_known. Without a link run the mart is empty.
WITH on_day AS (
    SELECT coalesce(max(data_current_as_of), current_date) AS day FROM source_freshness
),
placed AS (
    SELECT d.day AS snapshot_date, coalesce(g.lsoa_code, 'unknown') AS lsoa_code,
           coalesce(g.ward_code, 'unknown') AS ward_code,
           CASE WHEN r.dob IS NULL OR r.dob > d.day THEN NULL
                ELSE date_part('year', age(d.day::TIMESTAMP, r.dob::TIMESTAMP)) END AS age
    FROM _mart_resident AS r
    CROSS JOIN on_day AS d
    LEFT JOIN mart_postcode AS g ON g.postcode = r.postcode
)
SELECT snapshot_date, lsoa_code, ward_code,
       count(*) AS residents,
       count(*) FILTER (WHERE age BETWEEN 0 AND 4) AS aged_0_4,
       count(*) FILTER (WHERE age BETWEEN 5 AND 10) AS aged_5_10,
       count(*) FILTER (WHERE age BETWEEN 11 AND 15) AS aged_11_15,
       count(*) FILTER (WHERE age BETWEEN 16 AND 17) AS aged_16_17,
       count(*) FILTER (WHERE age BETWEEN 18 AND 64) AS aged_18_64,
       count(*) FILTER (WHERE age >= 65) AS aged_65_plus,
       count(*) FILTER (WHERE age IS NULL) AS age_not_known
FROM placed
GROUP BY ALL
