"""Measures that add up from a grid's cells (``fsdash.metrics.grids``: date by district by age
group).

Such a measure has one definition of what it counts, its grid. Its figures for an area and an
age range on a date are made from sums of the grid's cells for those districts and age groups: a
count is a sum, a rate or a percentage the ratio of two sums. The same SQL makes them from cells
counted now from the records (the measure's ``sql``) and from the cells a load kept
(``from_kept``), so the two agree by construction, and a load counts each grid once rather than
each measure once for every area."""

from __future__ import annotations

from dataclasses import dataclass

from fsdash.metrics import kept
from fsdash.metrics.fragments import DATES, IN_AREA, per_10000
from fsdash.metrics.grids import AGE_GROUP_BOUNDS, AGE_GROUPS, GRIDS

IN_DISTRICTS = IN_AREA.format(column="district")
COUNT = "coalesce(sum(c.value), 0)::BIGINT AS value"   # the sum of the cells: a count


@dataclass(frozen=True)
class Cells:
    """How a measure adds up from ``family``'s cells: ``sums``, the sums over the chosen cells
    (``c``) on each date, each named; ``columns``, the measure's columns from those sums (the
    date first); ``rate_of``, for a rate per 10,000 children, the sum it is a rate of."""

    family: str
    sums: str = COUNT
    columns: str = "as_at, value"
    rate_of: str = ""

    def sql(self, chosen: str) -> str:
        """The measure's SQL over ``chosen``, SQL giving the cells to add up."""
        summed = (f"SELECT d.as_at, {self.sums} FROM dates d LEFT JOIN chosen c USING (as_at) "
                  "GROUP BY d.as_at")
        ctes = (f"chosen AS ({chosen})",)
        if self.rate_of:
            return per_10000(summed, self.rate_of, ctes)
        return (f"WITH {DATES}, {ctes[0]}, summed AS ({summed}) "
                f"SELECT {self.columns} FROM summed ORDER BY as_at")

    def from_records(self) -> str:
        """The measure's SQL counting the cells from the records."""
        return self.sql(f"SELECT * FROM ({GRIDS[self.family]}) WHERE {IN_DISTRICTS}")

    def from_kept(self) -> str:
        """The measure's SQL adding up the cells a load kept (``$age_groups``: which)."""
        return self.sql(f"""
            SELECT * EXCLUDE (kept_key, kept_position) REPLACE (as_at::DATE AS as_at)
            FROM {kept.table_of(self.kept_name)}
            WHERE kept_key = '{kept.WHOLE_RANGE}' AND list_contains($dates::DATE[], as_at::DATE)
              AND {IN_DISTRICTS} AND list_contains($age_groups::INTEGER[], age_group)""")

    @property
    def kept_name(self) -> str:
        """The name its grid is kept under."""
        return f"grid_{self.family}"

    @property
    def by_age(self) -> bool:
        """Whether its cells are split by age group."""
        return "$min_age" in GRIDS[self.family]


def age_groups(ages: tuple[int, int]) -> list[int] | None:
    """The age groups (indexes into ``AGE_GROUPS``) making up an age range, None when the range
    is not a union of them."""
    starts, ends = (0, *AGE_GROUP_BOUNDS), (*(b - 1 for b in AGE_GROUP_BOUNDS), 200)
    chosen = [i for i in range(len(AGE_GROUPS)) if ages[0] <= starts[i] and ends[i] <= ages[1]]
    covered = bool(chosen) and starts[chosen[0]] == ages[0] and ends[chosen[-1]] == ages[1]
    return chosen if covered else None


def in_groups(ages: tuple[int, int]) -> str:
    """SQL: whether a cell ``c`` is in the age groups making up ``ages``."""
    return f"c.age_group IN ({', '.join(map(str, age_groups(ages)))})"
