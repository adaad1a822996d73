"""The district brief (issue 28): one page in plain English for a councillor about a district or
locality on a month end, for a residents' meeting. Every figure is the cabinet role's, with
small numbers hidden by the same rule, and is read from the functions the Overview and the pages
use (``headline_figures``, ``protected_series``, ``Figures.breakdown``, At a glance's scan and
the published comparators), so each equals what those pages show a cabinet member. Written as
a PDF by ``fsdash.export.brief_pdf``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from fsdash import metrics
from fsdash.access import SUPPRESSED, Figures, Published, Scope
from fsdash.access.series import protected_series
from fsdash.changes import Signal
from fsdash.config import WHOLE_COUNCIL, Council
from fsdash.events import CONFIGURATION, Event, events_for
from fsdash.export.content import cursors
from fsdash.formatting import long_date, month, round_half_up
from fsdash.views.care import change_sentence
from fsdash.views.glance import chosen_signals, latest_comparators, scan
from fsdash.views.overview import TREND_MONTHS, headline_figures

CABINET = Scope("cabinet")      # the brief's figures are always the cabinet role's
MOST_SIGNALS = 4                # the month's unusual changes listed; the rest are counted
MOST_EVENTS = 4
EVENT_WORDS = 150               # characters of an event's description a brief keeps
# The brief's counts (the rest are rates): none may be from 1 to the suppression limit.
COUNTS = ("cla", "cla_year_ago", "cla_starts", "cla_ceases", "referrals", "cp_plans",
          "cp_plans_year_ago")
CANNOT_SHOW = ("These figures count children and referrals; they cannot show whether children "
               "are safer or their lives better, and in an area this size a change of a few "
               "children from one year to the next can be chance.")


class BriefError(ValueError):
    """A brief asked for an area that is not a district or locality, or a date without figures."""


@dataclass(frozen=True)
class Section:
    """A heading and its paragraphs (a paragraph starting "• " is an item of a list), and a
    small line chart after them (month ends and values, None where hidden; its words are in
    the paragraphs)."""

    heading: str
    paragraphs: tuple[str, ...]
    chart: tuple[tuple[dt.date, float | None], ...] = ()


@dataclass(frozen=True)
class Brief:
    """One area's brief: its title, a line under it, its sections and every figure it states
    (by name; None where hidden or not counted), for the tests to compare with the pages."""

    area: str
    label: str
    as_at: dt.date
    title: str
    subtitle: str
    sections: tuple[Section, ...]
    figures: dict[str, float | None] = field(default_factory=dict)


def brief_areas(council: Council) -> list[str]:
    """Every area a brief is written for, in reading order: each locality, then its districts."""
    found = []
    for locality in council.localities:
        found += [locality, *council.areas()[locality]]
    return found


def cabinet_figures(con: duckdb.DuckDBPyConnection, council: Council,
                    published: Published | None = None) -> Figures:
    """The published figures as a cabinet member sees them (small numbers hidden)."""
    return Figures(published or Published(cursors(con), council), suppress=CABINET.suppress)


def build_brief(con: duckdb.DuckDBPyConnection, council: Council, figures: Figures,
                as_at: dt.date, area: str, signals: list[Signal] | None = None) -> Brief:
    """The brief for a district or locality; ``signals``: At a glance's scan for the month with
    ``figures`` (made here where not given; ``--all`` makes it once)."""
    if area == WHOLE_COUNCIL or area not in council.areas():
        raise BriefError(f"A brief is for a district or locality: {area!r} is neither (choose "
                         f"one of {', '.join(brief_areas(council))}).")
    if as_at < metrics.first_reliable_date(con):
        raise BriefError(f"The store's figures begin on {long_date(metrics.first_reliable_date(con))}"
                         f": there is no brief for {long_date(as_at)}.")
    if signals is None:
        signals = scan(con, figures, council, as_at)
    label = council.area_label(area)
    found = headline_figures(con, figures, council, as_at, area)
    county = headline_figures(con, figures, council, as_at, WHOLE_COUNCIL)["cla_rate"]["value"]
    numbers = {"cla": found["cla"]["value"], "cla_year_ago": found["cla"]["year_ago"],
               "cla_rate": found["cla_rate"]["value"], "county_cla_rate": county,
               "cla_starts": found["cla_starts"]["value"],
               "cla_ceases": found["cla_ceases"]["value"],
               "referrals": found["referrals"]["value"],
               "referral_rate": _referral_rate(con, figures, council, as_at, area),
               "cp_plans": found["cp_plans"]["value"],
               "cp_plans_year_ago": found["cp_plans"]["year_ago"]}
    england = latest_comparators(con, council, "cla_rate", as_at)
    england = england[england["label"] == "England"]
    numbers["england_cla_rate"] = None if england.empty else float(england["value"].iloc[0])
    reasons = figures.breakdown("ceases_by_reason", as_at, area)["shown"]
    numbers |= {f"left: {reason}": None if pd.isna(n) else float(n) for reason, n in reasons.items()}
    first = metrics.year_before(metrics.year_before(as_at)) + dt.timedelta(days=1)
    trend = _trend(con, figures, council, as_at, area)
    trend_words = _trend_words(trend, label)
    sections = (
        Section("Children in care", (
            change_sentence(f"children in care in {label}", numbers["cla"],
                            numbers["cla_year_ago"], as_at),
            _rate_sentence(numbers, label, council.short_name,
                           None if england.empty else england["period"].iloc[0]),
            *trend_words), trend if trend_words else ()),
        Section("Starting and leaving care", (
            _flows_sentence(numbers, label, as_at), _reasons_sentence(reasons))),
        Section("Referrals and child protection", (
            _referrals_sentence(numbers, label, as_at), _plans_sentence(numbers, label, as_at))),
        Section(f"What changed in {month(as_at)}",
                _signal_lines(chosen_signals(signals, council, area, "all", "all"))),
        Section("Events that may explain the figures",
                _event_lines(events_for(con, council, first, as_at, area), label, first, as_at)),
        Section("What these figures cannot show", (
            CANNOT_SHOW, f"Numbers from 1 to {council.max_suppressed} are shown as "
            f"“{SUPPRESSED}” or left out, as are some larger ones that would let them be worked "
            "out, to protect families' privacy. Figures are from the council's case records; "
            "England's from the Department for Education's published statistics.")),
    )
    return Brief(area, label, as_at, f"{label}: children's social care",
                 f"A brief for councillors from {council.name}, figures at {long_date(as_at)}",
                 sections, numbers)


def _trend(con, figures: Figures, council: Council, as_at: dt.date,
           area: str) -> tuple[tuple[dt.date, float | None], ...]:
    """Children in care at each month end the Overview's card draws (up to 25), None where
    hidden: the card's own series and decisions."""
    first = metrics.first_reliable_date(con)
    dates = [d for d in metrics.month_ends(as_at, TREND_MONTHS) if d >= first]
    values, hidden = protected_series(figures, con, "cla", dates, area, council.areas()[area],
                                      council)
    shown = values.where(~hidden)
    return tuple((d, None if pd.isna(shown.get(pd.Timestamp(d))) else
                  float(shown.get(pd.Timestamp(d)))) for d in dates)


def _trend_words(trend, label: str) -> tuple[str, ...]:
    """The trend in words (the chart's text, which stands without it): its span and its lowest
    and highest months (nothing where fewer than two months are shown, and no chart then)."""
    shown = [(d, v) for d, v in trend if v is not None]
    if len(shown) < 2:
        return ()
    low, high = min(shown, key=lambda p: p[1]), max(shown, key=lambda p: p[1])
    words = (f"Over the month ends from {month(trend[0][0])} to {month(trend[-1][0])}, the "
             f"number was lowest at {_count(low[1])} in {month(low[0])} and highest at "
             f"{_count(high[1])} in {month(high[0])}.")
    if len(shown) < len(trend):
        words += " Months whose number is too small to show are left out."
    return (words,)


def _referral_rate(con, figures: Figures, council: Council, as_at: dt.date,
                   area: str) -> float | None:
    """Referrals per 10,000 children in the 12 months to a date, hidden with the referrals (the
    Front door's rate, by the same decision)."""
    values, hidden = protected_series(figures, con, "referral_rate", [as_at], area,
                                      council.areas()[area], council)
    value = values.where(~hidden).get(pd.Timestamp(as_at))
    return None if value is None or pd.isna(value) else float(value)


def _count(value: float) -> str:
    return f"{round_half_up(value):,}"


def _rate_sentence(numbers: dict, label: str, county: str, period: str | None) -> str:
    rate = numbers["cla_rate"]
    if rate is None:
        return (f"The rate of children in care for every 10,000 children in {label} is not "
                "shown: the number of children is too small to show.")
    sentence = (f"That is {rate:.1f} children in care for every 10,000 children living in "
                f"{label}")
    if numbers["county_cla_rate"] is not None:
        sentence += f", against {numbers['county_cla_rate']:.1f} across {county}"
    if numbers["england_cla_rate"] is not None:
        sentence += (f" and {numbers['england_cla_rate']:g} in England (the latest published "
                     f"figure, {period})")
    return sentence + "."


def _flows_sentence(numbers: dict, label: str, as_at: dt.date) -> str:
    started, left = numbers["cla_starts"], numbers["cla_ceases"]
    when = f"In the 12 months to {month(as_at)}"
    if started is None and left is None:
        return (f"{when}, the numbers of children starting and leaving care in {label} are too "
                "small to show.")
    parts = [f"{_count(started)} children started to be looked after" if started is not None
             else "the number starting care is too small to show",
             f"{_count(left)} left care" if left is not None
             else "the number leaving care is too small to show"]
    return f"{when}, in {label} {parts[0]} and {parts[1]}."


def _reasons_sentence(reasons: pd.Series) -> str:
    shown = reasons.dropna().sort_values(ascending=False, kind="stable")
    shown = shown[shown > 0]
    hidden = [r.lower() for r in reasons.index[reasons.isna()]]
    if shown.empty:
        return "Why children left care is not shown: the numbers are too small."
    text = "Why they left: " + "; ".join(f"{r.lower()}, {_count(n)}" for r, n in shown.items())
    if hidden:
        text += (f". The numbers for {_listed(hidden)} are too small to show")
    return text + "."


def _referrals_sentence(numbers: dict, label: str, as_at: dt.date) -> str:
    referrals, rate = numbers["referrals"], numbers["referral_rate"]
    if referrals is None:
        return f"The number of referrals in {label} is too small to show."
    text = (f"In the 12 months to {month(as_at)}, children's social care received "
            f"{_count(referrals)} referrals about children in {label}")
    if rate is not None:
        text += f": {rate:.1f} for every 10,000 children"
    return text + "."


def _plans_sentence(numbers: dict, label: str, as_at: dt.date) -> str:
    return change_sentence(f"children on child protection plans in {label}",
                           numbers["cp_plans"], numbers["cp_plans_year_ago"], as_at)


def _signal_lines(signals: list[Signal]) -> tuple[str, ...]:
    if not signals:
        return ("Nothing changed beyond the usual ups and downs this month.",)
    lines = tuple(f"• {s.sentence()}" for s in signals[:MOST_SIGNALS])
    more = len(signals) - MOST_SIGNALS
    if more > 0:
        lines += (f"{more} more {'is' if more == 1 else 'are'} on the dashboard's At a glance "
                  "page.",)
    return lines


def _event_lines(events: list[Event], label: str, first: dt.date,
                 last: dt.date) -> tuple[str, ...]:
    if not events:
        return (f"No events concerning {label} are recorded from {long_date(first)} to "
                f"{long_date(last)}.",)
    lines = tuple(f"• {_when(e)}: {e.title}."
                  + (f" {_shortened(e.description)}" if e.description
                     and e.origin != CONFIGURATION else "")
                  + (" (A change the council intended.)" if e.intended else "")
                  for e in events[-MOST_EVENTS:])
    if len(events) > MOST_EVENTS:
        lines = (f"The latest {MOST_EVENTS} of {len(events)} events since "
                 f"{long_date(first)}:",) + lines
    return lines


def _shortened(text: str) -> str:
    """A description as a sentence of at most ``EVENT_WORDS`` characters, cut at a word."""
    text = " ".join(text.split()).rstrip(".")
    if len(text) > EVENT_WORDS:
        text = text[:EVENT_WORDS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text if text.endswith("…") else text + "."


def _when(event: Event) -> str:
    if event.end is None or event.end == event.start:
        return long_date(event.start)
    return f"{long_date(event.start)} to {long_date(event.end)}"


def _listed(parts: list[str]) -> str:
    """'a, b and c'."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
