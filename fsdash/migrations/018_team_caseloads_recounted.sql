-- fsdash store, version 18: team caseloads count each child on a child protection plan once,
-- by their oldest open plan, with a new column, plans_none_open (issue 25). Team caseloads a
-- load kept before are dropped, so they are counted from the records until the next load keeps
-- them again.
DELETE FROM kept_result WHERE name = 'team_caseloads';
DROP TABLE IF EXISTS kept_team_caseloads;
