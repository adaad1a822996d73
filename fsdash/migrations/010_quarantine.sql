-- fsdash store, version 10: rows a load set aside. A row that cannot be used (an unreadable date,
-- an unknown code, a child not in the children's file) in a file that is otherwise sound is
-- kept here, with why, instead of refusing the whole batch, while such rows are few (the council
-- configuration's load.quarantine_share of the file's rows); every load's are kept.
CREATE TABLE quarantine (
    load_id    INTEGER NOT NULL,
    file       VARCHAR NOT NULL,   -- as the load named it (its name, and the extract it is)
    row_number BIGINT NOT NULL,    -- as a spreadsheet numbers it: the header is row 1
    field      VARCHAR,
    value      VARCHAR,
    reason     VARCHAR NOT NULL
);
