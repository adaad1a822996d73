-- fsdash store, version 5: any number of targets, each for a measure, with a label and source,
-- so a council can refresh its targets. The under-12s target of earlier stores is kept.
CREATE TABLE target_new (
    measure       VARCHAR NOT NULL,       -- a measure's name in fsdash.metrics
    baseline_date DATE NOT NULL,
    annual_change DOUBLE NOT NULL,        -- -0.1: 10% fewer each year, compounded
    years         INTEGER NOT NULL,
    label         VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    PRIMARY KEY (measure, baseline_date)
);
INSERT INTO target_new
    SELECT 'cla_under12', baseline_date, -annual_reduction, years,
           'Under-12s in care down ' || CAST(round(100 * annual_reduction) AS INTEGER) || '% a year for ' || years || ' years',
           'council configuration'
    FROM target;
DROP TABLE target;
ALTER TABLE target_new RENAME TO target;
