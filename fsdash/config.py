"""Council configuration: geography, teams, programme dates, targets and thresholds.

The default is Lancashire (``config/lancashire.toml``); set ``FSDASH_CONFIG`` to another
council's file to use fsdash unchanged elsewhere.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO_ROOT / "config" / "lancashire.toml"
WHOLE_COUNCIL = "all"      # the area code for the whole council
# The district of a child known only from the returns, whose home postcode is not in the council
# or not given: counted in the whole council, in no locality or district.
NOT_KNOWN = "not known"


@dataclass(frozen=True)
class District:
    code: str
    name: str
    locality: str
    outward_codes: tuple[str, ...] = ()   # postcode outward codes that place a child here


@dataclass(frozen=True)
class Team:
    """A team, the districts it serves, and when it existed (None: from the start, or still)."""

    code: str
    name: str
    districts: tuple[str, ...]
    start: dt.date | None = None
    end: dt.date | None = None

    def exists_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Target:
    """A change the council aims for in a measure: from its value on the baseline date, by
    ``annual_change`` (-0.1 for 10% fewer) a year, compounded, for ``years`` years."""

    measure: str
    baseline_date: dt.date
    annual_change: float
    years: int
    label: str
    source: str

    @property
    def end(self) -> dt.date:
        """The day the target period ends."""
        return self.baseline_date.replace(year=self.baseline_date.year + self.years)


@dataclass(frozen=True)
class Outcomes:
    """How the Outcomes page forms its groups: the comparison group's start dates (before the
    model), the follow-up after a start, and the assessment factors that begin a family's work."""

    comparison_from: dt.date
    comparison_to: dt.date
    follow_up_months: int
    parental_factors: tuple[str, ...]


@dataclass(frozen=True)
class UnitCost:
    """A cost range in pounds for one thing avoided, with its source."""

    label: str
    low: float
    high: float
    source: str


@dataclass(frozen=True)
class PlacementCost:
    """What a week in one placement group costs, in pounds, with its source."""

    weekly: float
    source: str


@dataclass(frozen=True)
class Rating:
    """Red, amber and green thresholds for a measure: with ``better`` "down", a value at or
    above ``red`` is red and at or above ``amber`` amber; with "up", at or below."""

    better: str
    amber: float
    red: float
    source: str

    def rate(self, value: float) -> str:
        """'Red', 'Amber' or 'Green'."""
        worse = (lambda v, t: v >= t) if self.better == "down" else (lambda v, t: v <= t)
        return "Red" if worse(value, self.red) else "Amber" if worse(value, self.amber) else "Green"


@dataclass(frozen=True)
class LoadLimits:
    """How much a load reads before it refuses a file (``[load]``): what one zip may unpack to
    and hold, how much more than its packed size one file in it may unpack to, and the longest
    line of a CSV file. Real extracts are far inside them: a zip of every demo extract unpacks
    to 62 MB, its files at most 26 times their packed size, their lines under 200 bytes."""

    max_unzipped_megabytes: int = 2048
    max_zip_files: int = 10_000
    max_zip_ratio: int = 100
    max_line_bytes: int = 100_000     # under Python's CSV field limit (131,072), so a header reads


@dataclass(frozen=True)
class AnnexA:
    """How an Ofsted Annex A workbook's allocated teams and workers are read: the council's
    team names as its workbook writes them, each to a team code (``[annex_a.teams]``; a
    team's own name and code in ``[[teams]]`` are known without it), and whether a worker's
    name may be shown to their own team manager (else only a worker key is kept)."""

    teams: dict[str, str] = field(default_factory=dict)   # name as written, lowercased
    show_worker_names: bool = False

    def team_code(self, name: str | None, council: Council) -> str | None:
        """The team code a workbook's team name stands for; None where it is not mapped."""
        if not name:
            return None
        plain = " ".join(name.split()).lower()
        own = {t.code.lower(): t.code for t in council.teams} | \
            {t.name.lower(): t.code for t in council.teams}
        return self.teams.get(plain) or own.get(plain)


@dataclass(frozen=True)
class Council:
    """Everything fsdash needs to know about one council."""

    code: str
    dfe_code: str
    name: str
    short_name: str
    localities: dict[str, str]
    districts: tuple[District, ...]
    teams: tuple[Team, ...]
    phase_in: dt.date
    launch: dt.date
    targets: tuple[Target, ...]
    caseload_amber: float
    caseload_red: float
    max_suppressed: int
    outcomes: Outcomes
    unit_costs: dict[str, UnitCost]
    path: Path
    ratings: dict[str, Rating] = field(default_factory=dict)
    quarantine_share: float = 0.01   # of a file's rows a load may set aside instead of refusing
    load_limits: LoadLimits = LoadLimits()
    placement_costs: dict[str, PlacementCost] = field(default_factory=dict)
    annex_a: AnnexA = field(default_factory=AnnexA)
    go_live: dt.date | None = None   # the day Family Safeguarding began (``[programme]``)

    def areas(self) -> dict[str, tuple[str, ...]]:
        """Every area a figure is shown for, with its districts: the whole council
        (``WHOLE_COUNCIL``), then each locality, then each district."""
        areas = {WHOLE_COUNCIL: tuple(d.code for d in self.districts)}
        for locality in self.localities:
            areas[locality] = tuple(d.code for d in self.districts if d.locality == locality)
        return areas | {d.code: (d.code,) for d in self.districts}

    def area_label(self, area: str) -> str:
        """The plain name of an area code: the council's short name, a locality or a district."""
        if area == WHOLE_COUNCIL:
            return self.short_name
        if area == NOT_KNOWN:
            return "District not known"
        districts = {d.code: d.name for d in self.districts}
        return self.localities.get(area) or districts[area]

    def team_locality(self, team: Team) -> str:
        """The locality of a team: that of the first district it serves."""
        by_code = {d.code: d for d in self.districts}
        return by_code[team.districts[0]].locality


def config_path() -> Path:
    """The council configuration file in force (``FSDASH_CONFIG`` or Lancashire's)."""
    return Path(os.environ.get("FSDASH_CONFIG", DEFAULT_CONFIG))


@cache
def load_council(path: Path | None = None) -> Council:
    """Read and check a council configuration file."""
    path = Path(path or config_path())
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    localities = {loc["code"]: loc["name"] for loc in raw["localities"]}
    districts = tuple(District(d["code"], d["name"], d["locality"],
                               tuple(d.get("outward_codes", ()))) for d in raw["districts"])
    teams = tuple(Team(t["code"], t["name"], tuple(t["districts"]), t.get("start"), t.get("end"))
                  for t in raw["teams"])
    _check_references(path, localities, districts, teams)
    targets = tuple(Target(t["measure"], t["baseline_date"], float(t["annual_change"]),
                           int(t["years"]), t["label"], t["source"])
                    for t in raw.get("targets", []))
    return Council(
        code=raw["council"]["code"],
        dfe_code=raw["council"]["dfe_code"],
        name=raw["council"]["name"],
        short_name=raw["council"]["short_name"],
        localities=localities,
        districts=districts,
        teams=teams,
        phase_in=raw["programme"]["phase_in"],
        launch=raw["programme"]["launch"],
        targets=targets,
        caseload_amber=float(raw["thresholds"]["caseload"]["amber"]),
        caseload_red=float(raw["thresholds"]["caseload"]["red"]),
        max_suppressed=int(raw["suppression"]["max_suppressed"]),
        outcomes=Outcomes(raw["outcomes"]["comparison_from"], raw["outcomes"]["comparison_to"],
                          int(raw["outcomes"]["follow_up_months"]),
                          tuple(raw["outcomes"]["parental_factors"])),
        unit_costs={name: UnitCost(c["label"], float(c["low"]), float(c["high"]), c["source"])
                    for name, c in raw.get("unit_costs", {}).items()},
        quarantine_share=float(raw.get("load", {}).get("quarantine_share", 0.01)),
        load_limits=_load_limits(path, raw.get("load", {})),
        placement_costs={group: PlacementCost(float(c["weekly"]), c["source"])
                         for group, c in raw.get("placement_costs", {}).items()},
        ratings={"caseload": Rating("down", float(raw["thresholds"]["caseload"]["amber"]),
                                    float(raw["thresholds"]["caseload"]["red"]),
                                    "thresholds.caseload"),
                 **{name: Rating(r["better"], float(r["amber"]), float(r["red"]), r["source"])
                    for name, r in raw.get("ratings", {}).items()}},
        path=path,
        annex_a=_annex_a(path, raw.get("annex_a", {}), {t.code for t in teams}),
        go_live=raw["programme"].get("go_live"),
    )


LINE_BYTES_RANGE = (1_000, 131_072)    # Python's CSV reader reads no longer field


def _load_limits(path: Path, raw: dict) -> LoadLimits:
    """``[load]``'s limits, each a whole number above nought (the line's within
    ``LINE_BYTES_RANGE``), else the defaults."""
    given = {name: raw[name] for name in LoadLimits.__dataclass_fields__ if name in raw}
    for name, value in given.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{path}: [load] {name} must be a whole number above 0, not "
                             f"{value!r}")
    line = given.get("max_line_bytes", LoadLimits.max_line_bytes)
    if not LINE_BYTES_RANGE[0] <= line <= LINE_BYTES_RANGE[1]:
        raise ValueError(f"{path}: [load] max_line_bytes must be from {LINE_BYTES_RANGE[0]:,} "
                         f"to {LINE_BYTES_RANGE[1]:,}, not {line:,}")
    return LoadLimits(**given)


def _annex_a(path: Path, raw: dict, team_codes: set[str]) -> AnnexA:
    teams = {" ".join(str(name).split()).lower(): code
             for name, code in raw.get("teams", {}).items()}
    unknown = sorted(set(teams.values()) - team_codes)
    if unknown:
        raise ValueError(f"{path}: [annex_a.teams] names unknown team codes {unknown}")
    return AnnexA(teams, bool(raw.get("show_worker_names", False)))


def _check_references(path, localities, districts, teams) -> None:
    district_codes = {d.code for d in districts}
    for d in districts:
        if d.locality not in localities:
            raise ValueError(f"{path}: district {d.code} names unknown locality {d.locality!r}")
    for t in teams:
        unknown = set(t.districts) - district_codes
        if unknown or not t.districts:
            raise ValueError(f"{path}: team {t.code} serves unknown districts {sorted(unknown)}")
        if t.start and t.end and t.end <= t.start:
            raise ValueError(f"{path}: team {t.code} ends ({t.end}) before it starts ({t.start})")
