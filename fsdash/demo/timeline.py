"""The demo council's events.csv: things that happened, for its charts to draw (issue 28).

England's two national lockdowns are real dates; the front door's new thresholds, the new case
management system and the early help hub are made up for the demo, on fixed dates, so the file
is the same at every build. Those after the demo's last day are left out."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from fsdash.config import Council
from fsdash.extracts import EXTRACT_BY_FILE


def demo_events(council: Council, last_day: dt.date) -> pd.DataFrame:
    """The rows of the demo's events.csv (dates as dates), those starting by ``last_day``."""
    hub = next(d for d in council.districts if d.locality == next(iter(council.localities)))
    rows = [
        ("LOCKDOWN-1", dt.date(2020, 3, 23), dt.date(2020, 7, 3),
         "First national lockdown",
         "Schools closed to most children; fewer referrals came from schools.", "", "", "N", "N"),
        ("LOCKDOWN-2", dt.date(2021, 1, 5), dt.date(2021, 3, 7),
         "Third national lockdown",
         "Schools closed again to most children until 8 March 2021.", "",
         "referrals;referral_rate;children_in_need", "N", "N"),
        ("FRONT-DOOR-2022", dt.date(2022, 9, 1), None,
         "Front door thresholds revised",
         "New guidance on which contacts become referrals to children's social care.", "",
         "referrals;referral_rate;rereferral_pct", "Y", "N"),
        ("CMS-2023", dt.date(2023, 11, 13), dt.date(2023, 11, 24),
         "New case management system",
         "Records moved to a new case management system over two weeks.", "",
         "referrals;cp_plans;children_in_need", "N", "N"),
        (f"HUB-{hub.code}", dt.date(2024, 4, 2), None,
         f"Early help hub opened in {hub.name}",
         "Families offered early help before a referral.", hub.code,
         "referrals;referral_rate", "Y", "N"),
    ]
    columns = EXTRACT_BY_FILE["events.csv"].columns
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame[frame["START_DATE"] <= last_day]
    for column in ("START_DATE", "END_DATE"):
        frame[column] = pd.to_datetime(frame[column])
    return frame
