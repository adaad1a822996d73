-- fsdash store, version 21: events as a source of their own (issue 28; fsdash.events). A go-live,
-- a restructure, a lockdown: a day (end_date NULL) or a span, the areas and measures it
-- concerns (codes and measure names separated by ';', NULL for every one) and whether the
-- council meant it to change the measures. Filled at each load from events.csv (origin 'file')
-- and the council file's programme dates ('configuration'), and changed by an analyst on the
-- Data page ('page'). A retired event is kept, not drawn.
CREATE TABLE event (
    event_id    VARCHAR PRIMARY KEY,
    start_date  DATE NOT NULL,
    end_date    DATE,
    title       VARCHAR NOT NULL,
    description VARCHAR,
    areas       VARCHAR,
    measures    VARCHAR,
    intended    BOOLEAN NOT NULL,
    origin      VARCHAR NOT NULL DEFAULT 'file' CHECK (origin IN ('file', 'configuration', 'page')),
    retired     BOOLEAN DEFAULT false,   -- NULL (RETIRED empty in events.csv): not retired
    CHECK (end_date IS NULL OR end_date >= start_date)
);
