-- fsdash store, version 12: what a load found questionable but could use. A row that breaks a
-- DfE validation rule, or on which several years' returns disagree, is loaded as the rule's
-- meaning (or the rule for combining returns) allows, and listed here, so that nothing a return
-- says is silently dropped or changed. Every load's are kept.
CREATE TABLE load_query (
    load_id    INTEGER NOT NULL,
    file       VARCHAR NOT NULL,   -- as the load named it
    row_number BIGINT,             -- as a spreadsheet numbers it: the header is row 1
    field      VARCHAR,
    value      VARCHAR,
    rule       VARCHAR NOT NULL,   -- 'reconciliation', or the DfE rule's number
    message    VARCHAR NOT NULL
);
