-- fsdash store, version 7: teams change. A team, and each district it serves, has the day it
-- started (NULL: always) and the day it stopped (NULL: still), from the council configuration,
-- so history is counted against the teams as they were.
ALTER TABLE team ADD COLUMN start_date DATE;
ALTER TABLE team ADD COLUMN end_date DATE;
CREATE TABLE team_district_new (
    team_code     VARCHAR NOT NULL REFERENCES team (team_code),
    district_code VARCHAR NOT NULL REFERENCES district (district_code),
    start_date    DATE,
    end_date      DATE,
    CHECK (end_date IS NULL OR start_date IS NULL OR end_date > start_date)
);
INSERT INTO team_district_new SELECT team_code, district_code, NULL, NULL FROM team_district;
DROP TABLE team_district;
ALTER TABLE team_district_new RENAME TO team_district;
