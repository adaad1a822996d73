"""SQL pieces the measures share: the count dates, the area and age filters, who is looked
after on a date, starts and ends of care, adults around the start of Family Safeguarding work."""

DATES = "dates AS (SELECT unnest($dates::DATE[]) AS as_at)"
IN_AREA = "(len($districts::VARCHAR[]) = 0 OR list_contains($districts::VARCHAR[], {column}))"
# The latest mid-year (30 June) population estimate on or before the count date.
POPULATION = f"""
population_on AS (
    SELECT d.as_at, sum(p.population) AS under18
    FROM dates d JOIN population p
      ON p.year = least(year(d.as_at) - CASE WHEN month(d.as_at) < 7 THEN 1 ELSE 0 END,
                        (SELECT max(year) FROM population))
    WHERE {IN_AREA.format(column="p.district_code")} AND p.age BETWEEN $min_age AND $max_age
    GROUP BY d.as_at
)"""
LOOKED_AFTER_ON = f"""
looked_after AS (
    SELECT d.as_at, e.child_id, date_sub('year', h.birth_month, d.as_at) AS age, e.ls, e.place,
           c.district_code
    FROM dates d
    JOIN cla_episode e ON e.decom <= d.as_at AND (e.dec IS NULL OR e.dec > d.as_at)
    JOIN cla_child h USING (child_id)
    JOIN child c USING (child_id)
    WHERE e.ls NOT IN ('V3', 'V4') AND {IN_AREA.format(column="c.district_code")}
      AND date_sub('year', h.birth_month, d.as_at) BETWEEN $min_age AND $max_age
)"""
# Episodes that start or end a period of care, with the child's area and age on the day.
CARE_FLOWS = f"""
flows AS (
    SELECT e.*, c.district_code,
           date_sub('year', h.birth_month, e.decom) AS age_at_start,
           date_sub('year', h.birth_month, e.dec) AS age_at_end
    FROM cla_episode e JOIN cla_child h USING (child_id) JOIN child c USING (child_id)
    WHERE e.ls NOT IN ('V3', 'V4') AND {IN_AREA.format(column="c.district_code")}
)"""
STARTS = "f.rne = 'S' AND f.age_at_start BETWEEN $min_age AND $max_age AND f.decom"
CEASES = "f.rec IS DISTINCT FROM 'X1' AND f.age_at_end BETWEEN $min_age AND $max_age AND f.dec"
IN_MONTH = "BETWEEN date_trunc('month', d.as_at) AND d.as_at"


TWELVE_MONTHS = "BETWEEN d.as_at - INTERVAL 1 YEAR + INTERVAL 1 DAY AND d.as_at"


def adult_events_around_start(event_types: dict[str, str]) -> str:
    """SQL (``first_starts``, ``adult_events``, ``counted``) counting, for each date and
    district, the adults in families whose Family Safeguarding work began between 24 and 12
    months before it (``adults``) and, for each of ``event_types`` (name: code), their events
    of that type in the year up to and including the day work began (``<name>_before``) and
    the year after (``<name>_after``). Each adult's events are counted once, then added up for
    every date their family's start falls in."""
    counts = ",\n".join(
        f"""count(ev.adult_id) FILTER (WHERE ev.event_type = '{code}'
                AND ev.event_date <= s.start_date) AS {name}_before,
           count(ev.adult_id) FILTER (WHERE ev.event_type = '{code}'
                AND ev.event_date > s.start_date) AS {name}_after"""
        for name, code in event_types.items())
    sums = ", ".join(f"sum(e.{name}_{when})::BIGINT AS {name}_{when}"
                     for name in event_types for when in ("before", "after"))
    return f"""
first_starts AS (
    SELECT f.family_id, fam.district_code, min(f.start_date) AS start_date
    FROM fs_involvement f JOIN family fam USING (family_id)
    GROUP BY f.family_id, fam.district_code
),
adult_events AS (
    SELECT s.family_id, a.adult_id, {counts}
    FROM first_starts s JOIN adult a USING (family_id)
    LEFT JOIN adult_event ev ON ev.adult_id = a.adult_id
         AND list_contains({list(event_types.values())}, ev.event_type)
         AND ev.event_date >  s.start_date - INTERVAL 1 YEAR
         AND ev.event_date <= s.start_date + INTERVAL 1 YEAR
    GROUP BY ALL
),
counted AS (
    SELECT d.as_at, s.district_code AS district, count(DISTINCT e.adult_id) AS adults, {sums}
    FROM dates d JOIN first_starts s ON s.start_date <= d.as_at - INTERVAL 1 YEAR
         AND s.start_date > d.as_at - INTERVAL 2 YEAR
    JOIN adult_events e USING (family_id)
    GROUP BY ALL
)"""


# Case-holding workers in post on each date in the teams serving the area on that date, and the
# children whose open cases they hold.
CASE_HOLDERS = f"""
holders AS (
    SELECT d.as_at, w.team_code, w.worker_id, w.fte FROM dates d
    JOIN worker w ON w.start_date <= d.as_at AND (w.end_date IS NULL OR w.end_date > d.as_at)
    WHERE w.role IN ('SW', 'SP') AND w.team_code IN (
        SELECT team_code FROM team_district
        WHERE {IN_AREA.format(column="district_code")}
          AND (start_date IS NULL OR start_date <= d.as_at)
          AND (end_date IS NULL OR end_date > d.as_at))
),
cases AS (
    SELECT h.as_at, h.team_code, a.child_id FROM holders h
    JOIN allocation a ON a.worker_id = h.worker_id AND a.open_date <= h.as_at
     AND (a.close_date IS NULL OR a.close_date > h.as_at)
)"""


def per_10000(counts: str, column: str, ctes: tuple[str, ...] = ()) -> str:
    """SQL for a rate per 10,000 under-18s: ``counts`` is a query giving ``as_at`` and
    ``column`` for each date (it may use ``ctes`` besides the dates and population)."""
    return f"""WITH {", ".join((DATES, *ctes, POPULATION))}, counted AS ({counts})
        SELECT c.as_at, round(10000.0 * c.{column} / nullif(p.under18, 0), 1) AS value,
               c.{column}, p.under18
        FROM counted c LEFT JOIN population_on p USING (as_at) ORDER BY c.as_at"""
