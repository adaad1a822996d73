"""What every page shares, under the names the pages call: the store connection, scope and
audit (``ui_store``), the filters kept in the page address (``ui_filters``), the cached views
(``ui_views``) and how a chart block, a download and the page's style are drawn (``ui_blocks``)."""

from fsdash.ui_blocks import (
    CHART_CONFIG,
    as_at_caption,
    brief_download,
    chart_block,
    download_button,
    download_file,
    page_style,
    unusual_section,
)
from fsdash.ui_filters import Filters, area_options, filter_columns, page_filters, url_select, url_slider
from fsdash.ui_store import (
    annex_a_cases_unplaced,
    available_month_ends,
    cursor,
    districts_known,
    figures,
    published,
    record_view,
    scope,
    stop_unless_loaded,
    store_key,
)
from fsdash.ui_views import (
    all_teams_view,
    care_view,
    changed,
    front_door_view,
    headline_cards,
    heat,
    needs_view,
    outcome_windows,
    outcomes_view,
    pack_files,
    planning,
    scenarios_view,
    target_in_force,
    target_section,
    team_view,
    untested,
)

__all__ = ["CHART_CONFIG", "Filters", "all_teams_view", "annex_a_cases_unplaced", "area_options",
           "as_at_caption", "available_month_ends", "brief_download", "care_view", "changed", "chart_block",
           "cursor", "districts_known", "download_button", "download_file", "figures",
           "filter_columns", "front_door_view", "headline_cards", "heat", "needs_view", "outcome_windows",
           "outcomes_view", "pack_files", "page_filters", "page_style", "planning", "published",
           "record_view", "scenarios_view", "scope", "stop_unless_loaded", "store_key",
           "target_in_force", "target_section", "team_view", "unusual_section", "untested",
           "url_select", "url_slider"]
