"""docs/data-formats.md, generated from the declared extracts (``fsdash.extracts``) with a
sentence about each file: `python -m fsdash formats > docs/data-formats.md`."""

from __future__ import annotations

from fsdash import annex_a, census
from fsdash.extracts import EXTRACTS, SSDA903_FILES, Extract, Field, kind_help

INTRO = """# Data formats

fsdash loads CSV extracts and the children in need census (XML, below) with
`python -m fsdash load PATH...`: any mix of folders, zip files, CSV and XML files. A CSV file
named as below is that extract; a CSV file under any other name is recognised by its header (the
same columns, in any order, with any others beside). A CSV file whose columns are not most of
any extract's is left out, and the load's notes say so; one that has most of an extract's columns
but not all is a problem. An extract a load does not include is kept as the
last load left it, so a source can be loaded on its own. Files have a header row; columns may
come in any order, in any case, with spaces around them; every column listed must be there,
and any other (a council's `LA` or `YEAR`) is passed over and named in the load's notes. Text
may be UTF-8 (with or without a byte order mark) or Windows-1252, with Unix or Windows line
endings (one kind per file), with or without a final line ending; rows with nothing in them
(`,,,,`) are passed over. Dates are `dd/mm/yyyy` (as in the DfE returns) or `yyyy-mm-dd`, value
by value; months of birth `mm/yyyy`; yes/no fields `Y` or `N`; a code or whole number may be
written as a spreadsheet writes it (`1.0` for `1`). An empty field is a missing value.

A problem is reported by file, row (as a spreadsheet numbers it: the header is row 1) and
field, for example
`episodes.csv, row 14, field DECOM: '31/02/2020' is not a date in the form dd/mm/yyyy`.
Such a row, in a file that is otherwise sound, is set aside in the store's `quarantine` table
(with the file, row, field, value and reason) while such rows are at most the council's
`load.quarantine_share` of the file's rows; more, or a problem with the file itself, and the
whole batch is refused. A new store is built beside the old one and swapped in only when every
file has passed, so a refused load changes nothing.
A load that would remove most of a table the store holds is refused unless `--allow-shrink`
says it is meant.

Checks on every file: the header; the number of fields in each row; each value's type; dates
not in the future or before 1900; codes against the DfE code lists (held in the store's
`ref_code` table, see `fsdash/migrations/002_reference_codes.sql`); references to other files
and to the council configuration (districts, teams); keys not repeated; and the rules named
under each file.

The SSDA903 return is made each collection year (1 April to 31 March): the header and episodes,
and the other tables below (uasc, ad1, placed_for_adoption, missing, reviews,
previous_permanence, oc2, oc3; sw_episodes from 2023-24; dolo from 2026-27), one file each,
under these names or any other (each is recognised by its columns). A batch with a header
replaces the whole return: a table it lacks is left empty, and the load's notes name each year
whose return lacks a table the others have (or a header without episodes). Codes are checked
against the lists for each file's year (care leavers' activities F3 and P3 until 2020-21, F4,
P4, F5 and P5 from 2021-22; sex 1 and 2, or M, F and U from 2024-25). A
batch may hold one of each for every year a council keeps: the year comes from the file's name
or its folder's (`2023-24`, `2023_24`, `202324`, or the year it ends, `2024`), failing that from
the latest date in an episodes file, or the episodes file beside a header. They are combined by
one rule: **for any date, the return whose collection year covers it is the authority**, so the
children looked after at 31 March of a year are exactly those that year's return has. The
other tables combine as their records allow: OC2 and OC3 are kept year by year
(`collection_year`); the others are taken from the latest return that has each record (a
missing episode, a review, a social worker's spell, by the child and its start). Where
returns disagree (an episode open at the end of one return but absent from the next, an episode
a return has starting before its year that the earlier return lacks, episodes of one child that
overlap once combined) the load settles it by that rule and lists it in the store's
`load_query` table with the file, row and field (see `fsdash/yearly.py`).

A row that can be used but breaks one of the DfE validation rules listed under its file (for
example a reason for ceasing on an episode with no end date) is loaded as the rule's meaning
allows and listed in `load_query` with the rule's number, as the DfE's own collection lists
queries apart from errors.

The council's localities, districts, teams and targets come from the council
configuration file (`config/lancashire.toml` by default), not from extracts; the figures it is
compared with (England, its region, its statistical neighbours) from the DfE's published
statistics (docs/published-statistics.md).

`python -m fsdash demo` writes a complete set of these files to `data/demo/` (the SSDA903
returns in `data/demo/ssda903/<year>/`): they are the best example of each format.

This page is generated from the declared extracts (`fsdash/extracts.py`) by
`python -m fsdash formats`; a test keeps it in step.
"""

ABOUT = {
    "population.csv": (
        "Mid-year (30 June) population estimates of under-18s by district and single year of age "
        "(ONS)."
    ),
    "families.csv": (
        "Families known to children's services, with the district they live in."
    ),
    "children.csv": (
        "The children of the local files, from the case management system, with their family and "
        "district. Month and year of birth only. A child only in the SSDA903 returns or the "
        "census needs no row here: their sex, month of birth and ethnicity come from the return, "
        "their district from the home postcode (SSDA903 HOME_POST) through the `outward_codes` "
        "of the council configuration, else \"not known\"; they belong to no family. A row here "
        "is the authority for its child."
    ),
    "adults.csv": (
        "Adults in the families (parents and carers): the people whose police contacts and admissions "
        "are counted."
    ),
    "workers.csv": (
        "Staff in the Family Safeguarding teams, one row per worker and post."
    ),
    "cin_referrals.csv": (
        "Referrals to children's social care, as in the children in need census, with the front-door "
        "route."
    ),
    "cin_assessments.csv": (
        "Children and family assessments, as in the children in need census."
    ),
    "cin_s47.csv": (
        "Section 47 enquiries and initial child protection conferences (CIN census Section47), one "
        "row per enquiry. The enquiry starts at the strategy discussion that decided on it."
    ),
    "cin_cp_plans.csv": (
        "Child protection plans, as in the children in need census."
    ),
    "header.csv": (
        "SSDA903 header: one row per child looked after. The date of birth is reduced to its month on "
        "import; UPN and MC_DOB are checked, then not kept."
    ),
    "episodes.csv": (
        "SSDA903 episodes. HOME_POST is kept only as the council district its outward code lies "
        "in (for a child with no row in children.csv); PL_POST is checked, then not kept."
    ),
    "uasc.csv": (
        "SSDA903 UASC: unaccompanied asylum-seeking children, with the date each ceased (or will "
        "cease) to be one (`DUC`, which may lie ahead). A child here need not be in the year's "
        "header."
    ),
    "ad1.csv": (
        "SSDA903 AD1: children adopted in the year or with a decision that they should be: the "
        "dates of the decision and the match, and the adopters."
    ),
    "placed_for_adoption.csv": (
        "SSDA903 PlacedAdoption: decisions that a child should be placed for adoption, and when "
        "and why any ceased."
    ),
    "missing.csv": (
        "SSDA903 Missing: each time a child went missing (`M`) or was away from placement without "
        "authorisation (`A`)."
    ),
    "reviews.csv": "SSDA903 Reviews: each looked after review, with the child's participation.",
    "previous_permanence.csv": (
        "SSDA903 PrevPerm: whether a child starting care had been adopted or under a special "
        "guardianship or child arrangements order before. `DATE_PERM` is kept as written (the DfE "
        "allows a part date such as `zz/05/2015`)."
    ),
    "oc2.csv": (
        "SSDA903 OC2: children looked after for 12 months at 31 March: strengths and difficulties "
        "score, convictions, health and dental checks, immunisations, substance misuse. Each "
        "year's rows are kept as that year's (`collection_year`)."
    ),
    "oc3.csv": (
        "SSDA903 OC3: care leavers on their birthday in the year: in touch, activity and "
        "accommodation. A care leaver need not be in the year's header. Each year's rows are kept "
        "as that year's (`collection_year`)."
    ),
    "sw_episodes.csv": (
        "SSDA903 SWEpisodes, collected from 2023-24: each child's social workers, by the worker "
        "identifier the return gives (`SW_ID`, kept: it is not a name), and why each changed."
    ),
    "dolo.csv": (
        "SSDA903 DoLo, collected from 2026-27: deprivation of liberty orders."
    ),
    "census_children.csv": "Each child: one row for each `Child`.",
    "census_referrals.csv": (
        "Each referral (`CINdetails`), named by the child and the referral date. The census has "
        "no route into the front door: the route is \"not recorded\"."
    ),
    "census_assessments.csv": (
        "Each assessment (`Assessments`), named by its referral and start date; the factors are "
        "kept as a space-separated list."
    ),
    "census_s47.csv": "Each section 47 enquiry (`Section47`), named by its referral and start "
                      "date.",
    "census_plans.csv": "Each child protection plan (`ChildProtectionPlans`), named by the child "
                        "and the plan's start date.",
    "census_disabilities.csv": (
        "Each child's disabilities (`Disability`, in `ChildCharacteristics/Disabilities`), one "
        "row a code, named by the child and the code."
    ),
    "census_cin_plans.csv": "Each children in need plan (`CINPlanDates`), named by its referral "
                            "and start date.",
    "census_pre_proceedings.csv": (
        "Pre-proceedings and family group decision making (`PreProceedingsandFGDM`, in the "
        "newest years' census), named by its referral and start date. The outcome is kept as "
        "given."
    ),
    "allocations.csv": (
        "Case allocations: which team and worker held each child's case, and when. A case type is "
        "CIN, CP or CLA."
    ),
    "fs_involvement.csv": (
        "Family Safeguarding work with a family: start, end, team and which adult practitioners were "
        "involved."
    ),
    "adult_events.csv": (
        "Police contacts and emergency hospital admissions of the adults, from data shares with "
        "police and the NHS."
    ),
    "events.csv": (
        "The dated things that explain a line's turns, written by an analyst: a go-live, a "
        "restructure, a new case management system, a lockdown. Each is a day (no `END_DATE`) "
        "or a span, and the charts whose span, area and measure it concerns draw it."
    ),
}

NOTES = {
    "events.csv": (
        "`AREAS` holds codes separated by `;`: the council's code, a locality's or a district's, "
        "as the council file gives them; empty for every area. An event naming a district "
        "concerns that district, its locality and the whole council. `MEASURES` holds measure "
        "names separated by `;` (fsdash's own, such as `cla_starts` or `referrals`); empty for "
        "every measure. `INTENDED` is Y where the council meant the event to change the "
        "measures: the \"Is this change unusual?\" charts then work out their usual range again "
        "from it. `RETIRED` is Y for an event kept but no longer drawn (empty: N). Dates may "
        "lie ahead. A load with this file replaces every event from an earlier "
        "file and from the Data page; a load without it keeps them. The council file's programme "
        "dates (`[programme]`) are events of their own at every load, with ids beginning "
        "`programme-`."
    ),
    "allocations.csv": (
        "An empty `WORKER_ID` is a case open with the team but waiting for a worker: it counts as "
        "unallocated and in no one's caseload. When it is allocated, close that row and give a "
        "new row with the worker, opening on the day of allocation; a re-allocation is the same "
        "(close one worker's row, open the next)."
    ),
}


def _feeds(extract: Extract) -> str:
    """Which measures read the table a file fills (their SQL names it), in a sentence."""
    import re

    from fsdash.metrics import registry
    found = re.compile(rf"\b{extract.table}\b")
    titles = [m.title for m in (*registry.MEASURES.values(), *registry.BREAKDOWNS.values())
              if found.search(m.sql)]
    if not titles:
        return "Measures: none yet; kept in the store for the measures to come."
    shown = ", ".join(titles[:6]) + (f" and {len(titles) - 6} more" if len(titles) > 6 else "")
    return f"Measures it feeds: {shown}."


def _collected(extract: Extract) -> str:
    if extract.file not in SSDA903_FILES:
        return ""
    if extract.first_year:
        return (f"Collected from {extract.first_year - 1}-{extract.first_year % 100:02d}; a "
                "file of it for an earlier year is loaded as given.")
    return "In the return every year fsdash reads (2015-16 to 2026-27)."


def _must_be(field: Field) -> str:
    if field.codes:
        return f"one of the `{field.codes}` codes"
    if field.references:
        return f"in `{field.references}`"
    return ""


CENSUS = """## The children in need census (XML)

The census file a council submits each year, as the DfE specifies it: `Message`, a `Header`
with `CollectionDetails` (`Collection` CIN, `Year`: the year the collection ends), and
`Children`. A file ending `.xml` is read as a census, one `Child` at a time, in the shape of
any collection year from 2013-14; namespaces are ignored. Elements the sections below do not name
but the census defines (`UPN`, `Reviews`, ...) are passed over; elements the census does not
define are passed over and listed in the load's report. Its collection year comes from the
header's `Year` and `ReferenceDate` (31 March of that year): where they disagree, the one more of
the file's referrals fall within is taken; a reference date that is not a 31 March is not used;
with neither, the year comes from the file's name. The load's report says which year was taken
and why. Dates are `yyyy-mm-dd`, yes/no fields `true`, `false`, `1` or `0`. Codes are checked
against the lists for the file's year: the sex (`GenderCurrent` to 2023-24, `Sex` from 2024-25;
either element is read in any year) is 0, 1, 2 and 9 before 2024-25 and M, F and U from 2024-25,
and a value in the other years' codes is read as this year's (1 as M, M as 1, 0 or 9 as U, U as
0) and said in the report; primary need adds N0 to N1-N9. An element repeated word for word
within a child is read once, and said. A census most of whose referrals are dated after its year
ended is refused, naming the first of them; a few such referrals load as given and are listed.
A problem names the line of the element, for example
`cin_2023-24.xml (CINdetails), line 214, field CINreferralDate: '2023-09-31' is not a date in
the form yyyy-mm-dd`.

A year's census holds every child in need at any time in that year, so consecutive files
overlap: each record (a child, a referral, an assessment, an enquiry, a plan) is taken from the
latest year's census that has it. A referral or plan still open at the end of its latest census
but missing from a later one is kept open, as last seen, and listed in `load_query`. The
census gives the same records as `cin_referrals.csv`, `cin_assessments.csv`, `cin_s47.csv` and
`cin_cp_plans.csv`: a batch holds one or the other, and the last load of either stays in force.
"""


def _section(extract: Extract) -> str:
    if extract.census_part:
        level = next(lv for lv in census.levels() if lv.extract == extract.file)
        where = level.values
        heading, column = f"### `{extract.census_part}`", "element"
    else:
        where, heading, column = {}, f"## `{extract.file}`", "column"
    lines = [heading, "", ABOUT[extract.file], "",
             f"| {column} | type | required | must be | kept as |", "|---|---|---|---|---|"]
    lines += [f"| `{where.get(f.column, f.column)}` | {_kind(f, extract)} | "
              f"{'yes' if f.required else 'no'} | {_must_be(f)} | "
              f"{f'`{extract.table}.{f.target}`' if f.target else 'not kept'} |"
              for f in extract.fields]
    lines.append("")
    if extract.key:
        lines.append(f"Key: {', '.join(extract.key)} (no two rows may share it).")
    lines += [f"Rule on `{r.field}`: rows where `{r.bad}` are rejected (“{r.field} {r.message}”)."
              for r in extract.rules]
    lines += [f"DfE rule {q.rule} on `{q.field}`: rows where `{q.bad}` are loaded"
              + (f" with `{q.field}` as `{q.loads_as}`" if q.loads_as else "")
              + f" and listed as queries (“{q.field} {q.message}”)." for q in extract.queries]
    if extract.file in NOTES:
        lines += ["", NOTES[extract.file]]
    if extract.file in SSDA903_FILES:
        lines += ["", _collected(extract), _feeds(extract)]
    return "\n".join(lines) + "\n"


def _kind(field: Field, extract: Extract) -> str:
    """The field's type; a census identifier says what it is made from."""
    level = next((lv for lv in census.levels() if lv.extract == extract.file), None)
    if level and level.identity and field.column == extract.columns[0]:
        return f"made from {' and '.join(level.identity)}"
    if level and field.column not in level.values:
        return "from the element it is nested in"
    return kind_help(field.kind, extract.date_format)


def markdown() -> str:
    """The whole of docs/data-formats.md."""
    local = [_section(e) for e in EXTRACTS if not e.census_part]
    returned = [_section(e) for e in EXTRACTS if e.census_part]
    return (INTRO + "\n" + "\n".join(local) + "\n" + CENSUS + "\n" + "\n".join(returned)
            + "\n" + annex_a.markdown())
