"""fsdash: the performance dashboard for a council's Family Safeguarding Service."""
