-- fsdash store, version 15: every table of the SSDA903 return, not only the header and episodes,
-- with the code lists each needs for the years it is valid in (first_year to last_year: the years
-- the collections end; empty: no limit). Dates of birth are kept as their month, as in cla_child.
-- Source: the DfE SSDA903 specifications 2016-17 to 2026-27 as the public projects encode them
-- (liia-tools' spec/s903 schemas; Data to Insight's csc-validator-be-903 rules and column lists).
-- Labels marked "see the year's specification" are codes whose wording this project has not
-- checked against the DfE's guidance.

CREATE TABLE cla_uasc (           -- UASC: unaccompanied asylum-seeking children
    child_id VARCHAR PRIMARY KEY, sex VARCHAR NOT NULL, birth_month DATE NOT NULL,
    duc DATE                      -- the date the child ceased (or will cease) to be UASC
);
CREATE TABLE cla_adoption (       -- AD1: adoption decisions and matches
    child_id VARCHAR PRIMARY KEY, birth_month DATE NOT NULL, date_int DATE NOT NULL,
    date_match DATE NOT NULL, foster_care VARCHAR NOT NULL, nb_adoptr BIGINT NOT NULL,
    sex_adoptr VARCHAR NOT NULL, ls_adoptr VARCHAR NOT NULL
);
CREATE TABLE cla_placed_for_adoption (   -- PlacedAdoption: decisions that the child be placed
    child_id VARCHAR NOT NULL, birth_month DATE NOT NULL, date_placed DATE NOT NULL,
    date_placed_ceased DATE, reason_placed_ceased VARCHAR,
    PRIMARY KEY (child_id, date_placed)
);
CREATE TABLE cla_missing (        -- Missing: missing (M) or away without authorisation (A)
    child_id VARCHAR NOT NULL, birth_month DATE NOT NULL, missing VARCHAR NOT NULL,
    mis_start DATE NOT NULL, mis_end DATE,
    PRIMARY KEY (child_id, mis_start)
);
CREATE TABLE cla_review (         -- Reviews: looked after reviews and the child's participation
    child_id VARCHAR NOT NULL, birth_month DATE NOT NULL, review DATE NOT NULL,
    review_code VARCHAR NOT NULL,
    PRIMARY KEY (child_id, review)
);
CREATE TABLE cla_previous_permanence (   -- PrevPerm: permanence before this period of care
    child_id VARCHAR PRIMARY KEY, birth_month DATE NOT NULL, prev_perm VARCHAR NOT NULL,
    la_perm VARCHAR, date_perm VARCHAR       -- the DfE allows a part date (zz/mm/yyyy)
);
CREATE TABLE cla_oc2 (            -- OC2: children looked after for 12 months at 31 March
    child_id VARCHAR NOT NULL, birth_month DATE NOT NULL, sdq_score BIGINT, sdq_reason VARCHAR,
    convicted VARCHAR, health_check VARCHAR, immunisations VARCHAR, teeth_check VARCHAR,
    health_assessment VARCHAR, substance_misuse VARCHAR, intervention_received VARCHAR,
    intervention_offered VARCHAR,
    collection_year INTEGER        -- the return it is from (the year the collection ends)
);
CREATE TABLE cla_oc3 (            -- OC3: care leavers on their birthday in the year
    child_id VARCHAR NOT NULL, birth_month DATE NOT NULL, in_touch VARCHAR NOT NULL,
    activ VARCHAR, accom VARCHAR,
    collection_year INTEGER
);
CREATE TABLE cla_sw_episode (     -- SWEpisodes (from 2023-24): the child's social workers
    child_id VARCHAR NOT NULL, birth_month DATE NOT NULL,
    sw_id VARCHAR NOT NULL,        -- the worker's identifier in the return, not a name
    sw_decom DATE NOT NULL, sw_dec DATE, sw_reason VARCHAR,
    PRIMARY KEY (child_id, sw_decom)
);
CREATE TABLE cla_dolo (           -- DoLo (from 2026-27): deprivation of liberty orders
    child_id VARCHAR NOT NULL, birth_month DATE NOT NULL, dolo_start DATE NOT NULL,
    dolo_end DATE,
    PRIMARY KEY (child_id, dolo_start)
);

INSERT INTO ref_code (list, code, label, first_year, last_year) VALUES
    ('FLAG', '0', 'No', NULL, NULL),
    ('FLAG', '1', 'Yes', NULL, NULL),
    ('SEX_ADOPTR', 'M1', 'Single male adopter', NULL, NULL),
    ('SEX_ADOPTR', 'F1', 'Single female adopter', NULL, NULL),
    ('SEX_ADOPTR', 'MM', 'Male couple', NULL, NULL),
    ('SEX_ADOPTR', 'FF', 'Female couple', NULL, NULL),
    ('SEX_ADOPTR', 'MF', 'Male and female couple', NULL, NULL),
    ('LS_ADOPTR', 'L0', 'Adopter''s legal status L0 (see the year''s specification)', NULL, NULL),
    ('LS_ADOPTR', 'L11', 'Adopters'' legal status L11 (see the year''s specification)', NULL, NULL),
    ('LS_ADOPTR', 'L12', 'Adopters'' legal status L12 (see the year''s specification)', NULL, NULL),
    ('LS_ADOPTR', 'L2', 'Adopters'' legal status L2 (see the year''s specification)', NULL, NULL),
    ('LS_ADOPTR', 'L3', 'Adopters'' legal status L3 (see the year''s specification)', NULL, NULL),
    ('LS_ADOPTR', 'L4', 'Adopters'' legal status L4 (see the year''s specification)', NULL, NULL),
    ('REASON_PLACED_CEASED', 'RD1', 'Reason RD1 (see the year''s specification)', NULL, NULL),
    ('REASON_PLACED_CEASED', 'RD2', 'Reason RD2 (see the year''s specification)', NULL, NULL),
    ('REASON_PLACED_CEASED', 'RD3', 'Reason RD3 (see the year''s specification)', NULL, NULL),
    ('REASON_PLACED_CEASED', 'RD4', 'Reason RD4 (see the year''s specification)', NULL, NULL),
    ('MISSING', 'M', 'Missing', NULL, NULL),
    ('MISSING', 'A', 'Away from placement without authorisation', NULL, NULL),
    ('REVIEW_CODE', 'PN0', 'Child aged under 4 at the review', NULL, NULL),
    ('REVIEW_CODE', 'PN1', 'Participation PN1 (see the year''s specification)', NULL, NULL),
    ('REVIEW_CODE', 'PN2', 'Participation PN2 (see the year''s specification)', NULL, NULL),
    ('REVIEW_CODE', 'PN3', 'Participation PN3 (see the year''s specification)', NULL, NULL),
    ('REVIEW_CODE', 'PN4', 'Participation PN4 (see the year''s specification)', NULL, NULL),
    ('REVIEW_CODE', 'PN5', 'Participation PN5 (see the year''s specification)', NULL, NULL),
    ('REVIEW_CODE', 'PN6', 'Participation PN6 (see the year''s specification)', NULL, NULL),
    ('REVIEW_CODE', 'PN7', 'Participation PN7 (see the year''s specification)', NULL, NULL),
    ('PREV_PERM', 'P1', 'Adoption', NULL, NULL),
    ('PREV_PERM', 'P2', 'Special guardianship order', NULL, NULL),
    ('PREV_PERM', 'P3', 'Residence order or child arrangements order', NULL, NULL),
    ('PREV_PERM', 'P4', 'Previous permanence P4 (see the year''s specification)', NULL, NULL),
    ('PREV_PERM', 'Z1', 'Previous permanence Z1 (see the year''s specification)', NULL, NULL),
    ('SDQ_REASON', 'SDQ1', 'No SDQ: reason SDQ1 (see the year''s specification)', NULL, NULL),
    ('SDQ_REASON', 'SDQ2', 'No SDQ: reason SDQ2 (see the year''s specification)', NULL, NULL),
    ('SDQ_REASON', 'SDQ3', 'No SDQ: reason SDQ3 (see the year''s specification)', NULL, NULL),
    ('SDQ_REASON', 'SDQ4', 'No SDQ: reason SDQ4 (see the year''s specification)', NULL, NULL),
    ('SDQ_REASON', 'SDQ5', 'No SDQ: reason SDQ5 (see the year''s specification)', NULL, NULL),
    ('IN_TOUCH', 'YES', 'In touch', NULL, NULL),
    ('IN_TOUCH', 'NO', 'Not in touch', NULL, NULL),
    ('IN_TOUCH', 'DIED', 'Died', NULL, NULL),
    ('IN_TOUCH', 'REFU', 'Refuses contact', NULL, NULL),
    ('IN_TOUCH', 'NREQ', 'No longer requires services', NULL, NULL),
    ('IN_TOUCH', 'RHOM', 'Returned home to parents', NULL, NULL),
    -- Activity: F3 and P3 (training or employment) were split into F4, P4, F5 and P5 in 2021-22.
    ('ACTIV', 'F1', 'Activity F1 (see the year''s specification)', NULL, NULL),
    ('ACTIV', 'P1', 'Activity P1 (see the year''s specification)', NULL, NULL),
    ('ACTIV', 'F2', 'Activity F2 (see the year''s specification)', NULL, NULL),
    ('ACTIV', 'P2', 'Activity P2 (see the year''s specification)', NULL, NULL),
    ('ACTIV', 'F3', 'Activity F3 (see the year''s specification)', NULL, 2021),
    ('ACTIV', 'P3', 'Activity P3 (see the year''s specification)', NULL, 2021),
    ('ACTIV', 'F4', 'Activity F4 (see the year''s specification)', 2022, NULL),
    ('ACTIV', 'P4', 'Activity P4 (see the year''s specification)', 2022, NULL),
    ('ACTIV', 'F5', 'Activity F5 (see the year''s specification)', 2022, NULL),
    ('ACTIV', 'P5', 'Activity P5 (see the year''s specification)', 2022, NULL),
    ('ACTIV', 'G4', 'Activity G4 (see the year''s specification)', NULL, NULL),
    ('ACTIV', 'G5', 'Activity G5 (see the year''s specification)', NULL, NULL),
    ('ACTIV', 'G6', 'Activity G6 (see the year''s specification)', NULL, NULL),
    ('ACTIV', '0', 'Activity not known (see the year''s specification)', NULL, NULL),
    ('SW_REASON', 'MANAGE', 'Management decision', 2024, NULL),
    ('SW_REASON', 'FCONTA', 'First contact: the first social worker of a period of care', 2024, NULL),
    ('SW_REASON', 'LEFTRL', 'Social worker left the role', 2024, NULL),
    ('SW_REASON', 'ORGRST', 'Organisational restructure', 2024, NULL),
    ('SW_REASON', 'TSPROC', 'Transfer as part of a process', 2024, NULL),
    ('SW_REASON', 'ABSENC', 'Social worker absence', 2024, NULL),
    ('SW_REASON', 'CHCHAN', 'Change in the child''s circumstances', 2024, NULL),
    ('SW_REASON', 'PCCHAN', 'Change of placement', 2024, NULL),
    ('SW_REASON', 'SWDIED', 'Social worker died', 2024, NULL),
    ('SW_REASON', 'OTHERS', 'Other', 2024, NULL);

-- Accommodation: a letter for the kind, 1 suitable or 2 not suitable; 0 not known.
INSERT INTO ref_code (list, code, label, first_year, last_year)
SELECT 'ACCOM', letter || suitable,
       'Accommodation ' || letter || ' (see the year''s specification), '
       || CASE suitable WHEN '1' THEN 'suitable' ELSE 'not suitable' END, NULL, NULL
FROM (VALUES ('B'), ('C'), ('D'), ('E'), ('G'), ('H'), ('K'), ('R'), ('S'), ('T'), ('U'), ('V'),
             ('W'), ('X'), ('Y'), ('Z')) letters (letter),
     (VALUES ('1'), ('2')) suitability (suitable)
UNION ALL SELECT 'ACCOM', '0', 'Accommodation not known', NULL, NULL;
