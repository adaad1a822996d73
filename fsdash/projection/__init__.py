"""Projections of children in care: a trend fitted to past counts (``trend``), a flow model of
care by age and placement group with scenarios (``flows``, ``scenario``), and a back-test that
compares the two on the store's own history (``backtest``)."""

from fsdash.projection.trend import DEFAULT_WINDOW, MIN_POINTS, Projection, project

__all__ = ["DEFAULT_WINDOW", "MIN_POINTS", "Projection", "project"]
