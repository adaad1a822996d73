"""Flows of care month by month, for the flow model (``fsdash.projection.flows``): who was looked
after at each month end, and who started, moved placement group or left in each month, by age in
whole years and placement group. Each uses the definitions of the measures it stands beside:
looked after as in ``cla`` (short breaks excluded), starts as in ``cla_starts_in_month``, leaving
as in ``cla_ceases_in_month``, groups as in ``cla_by_placement`` and ``ceases_by_reason``."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from fsdash.metrics.care import CEASE_REASON, PLACEMENT_GROUP
from fsdash.metrics.fragments import DATES, IN_AREA
from fsdash.metrics.kept import kept_as

TURNED_18 = "Turned 18"   # the reason group of a child who left care aged 18 or over

FLOWS_SQL = f"""
WITH {DATES},
months AS (SELECT as_at, date_trunc('month', as_at)::DATE AS first_day FROM dates),
episodes AS (
    SELECT e.child_id, e.decom, e.dec, e.rne, e.rec, h.birth_month, c.district_code,
           {PLACEMENT_GROUP.format(place="e.place")} AS placement
    FROM cla_episode e JOIN cla_child h USING (child_id) JOIN child c USING (child_id)
    WHERE e.ls NOT IN ('V3', 'V4')
),
moves AS (
    SELECT *, lag(placement) OVER (PARTITION BY child_id ORDER BY decom) AS previous,
           lag(dec) OVER (PARTITION BY child_id ORDER BY decom) AS previous_end
    FROM episodes
),
stock AS (
    SELECT m.as_at, e.child_id, e.district_code, date_sub('year', e.birth_month, m.as_at) AS age,
           e.placement
    FROM months m JOIN episodes e ON e.decom <= m.as_at AND (e.dec IS NULL OR e.dec > m.as_at)
    QUALIFY row_number() OVER (PARTITION BY m.as_at, e.child_id ORDER BY e.decom DESC) = 1
)
SELECT as_at, district_code AS district, 'stock' AS kind, age, placement AS from_group,
       NULL AS to_group, count(*) AS n
FROM stock WHERE age BETWEEN 0 AND 17 GROUP BY ALL
UNION ALL
SELECT m.as_at, e.district_code, 'entry', date_sub('year', e.birth_month, e.decom), NULL,
       e.placement, count(*)
FROM months m JOIN episodes e ON e.rne = 'S' AND e.decom BETWEEN m.first_day AND m.as_at
WHERE date_sub('year', e.birth_month, e.decom) BETWEEN 0 AND 17
GROUP BY ALL
UNION ALL
SELECT m.as_at, e.district_code, 'move', date_sub('year', e.birth_month, e.decom), e.previous,
       e.placement, count(*)
FROM months m JOIN moves e ON e.rne <> 'S' AND e.decom BETWEEN m.first_day AND m.as_at
WHERE e.previous_end = e.decom AND e.previous <> e.placement
  AND date_sub('year', e.birth_month, e.decom) BETWEEN 0 AND 17
GROUP BY ALL
UNION ALL
SELECT m.as_at, e.district_code, 'exit', date_sub('year', e.birth_month, e.dec), e.placement,
       CASE WHEN date_sub('year', e.birth_month, e.dec) >= 18 THEN '{TURNED_18}'
            ELSE {CEASE_REASON.format(rec="e.rec")} END, count(*)
FROM months m JOIN episodes e ON e.rec IS DISTINCT FROM 'X1' AND e.dec BETWEEN m.first_day AND m.as_at
GROUP BY ALL
"""

POPULATION_SQL = f"""
SELECT year, age, sum(population) AS population FROM population
WHERE {IN_AREA.format(column="district_code")} GROUP BY ALL ORDER BY year, age
"""


@kept_as("care_flows_by_district", by_area=False)
def care_flows_by_district(con: duckdb.DuckDBPyConnection,
                           month_ends: list[dt.date]) -> pd.DataFrame:
    """``care_flows`` for each ``district``: the cells its figures for any area add up from."""
    return con.execute(FLOWS_SQL, {"dates": list(month_ends)}).df()


def care_flows(con: duckdb.DuckDBPyConnection, month_ends: list[dt.date],
               districts=()) -> pd.DataFrame:
    """For each month end: ``kind`` 'stock' (children looked after then, by ``age`` and
    ``from_group``), and for the month it ends 'entry' (by age and ``to_group``), 'move' (from one
    placement group to another) and 'exit' (by age, ``from_group`` and reason in ``to_group``;
    ages 18 and over as ``TURNED_18``), with the number ``n``: the sums of the districts'."""
    flows = care_flows_by_district(con, month_ends)
    if districts:
        flows = flows[flows["district"].isin(districts)]
    if flows.empty:
        return flows.drop(columns="district")
    return (flows.groupby(["as_at", "kind", "age", "from_group", "to_group"], dropna=False,
                          as_index=False, sort=False)["n"].sum())


def population_by_age(con: duckdb.DuckDBPyConnection, districts=()) -> pd.DataFrame:
    """Mid-year population estimates by year and single year of age (0 to 17) for the area."""
    return con.execute(POPULATION_SQL, {"districts": list(districts)}).df()
