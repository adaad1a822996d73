-- fsdash store, version 17: Ofsted's Annex A workbook (fsdash.annex_a). Each workbook loaded is
-- a snapshot on its extract date, and every snapshot is kept: one row for each of its records
-- in the table of its list (lists 1 to 9), numbered as in its sheet. Codes are the store's
-- (fsdash.annex_a.CODES); a value naming no code is NULL. Worker names are not kept: a worker
-- is a key (worker_key); the name is in annex_a_worker_name only where the council's
-- configuration lets a worker's own team manager see it ([annex_a] show_worker_names).
CREATE TABLE annex_a_snapshot (
    extract_date DATE PRIMARY KEY,
    file         VARCHAR NOT NULL,     -- the workbook as the load named it
    sha256       VARCHAR NOT NULL,
    date_from    VARCHAR NOT NULL,     -- where the extract date was taken from, in words
    load_id      INTEGER NOT NULL
);

-- Which store tables the last load filled from Annex A snapshots (no census, return or local
-- file gave them): each load builds these again from every snapshot kept.
CREATE TABLE annex_a_filled (table_name VARCHAR PRIMARY KEY);

CREATE TABLE annex_a_worker_name (
    worker_key VARCHAR PRIMARY KEY,
    team_code  VARCHAR,                -- the team the worker last held cases for
    name       VARCHAR NOT NULL
);

-- Care leavers (Annex A list 9) held by a team count in its caseload.
INSERT INTO ref_code (list, code, label) VALUES ('CASE_TYPE', 'CL', 'Care leaver');

-- List 1: contacts
CREATE TABLE annex_a_contact (
    extract_date         DATE NOT NULL,
    row                  INTEGER NOT NULL,
    child_id             VARCHAR NOT NULL,
    sex                  VARCHAR,
    ethnicity            VARCHAR,
    birth_month          DATE,
    contact_date         DATE NOT NULL,
    source               VARCHAR,
    PRIMARY KEY (extract_date, row)
);
-- List 2: early help
CREATE TABLE annex_a_early_help (
    extract_date         DATE NOT NULL,
    row                  INTEGER NOT NULL,
    child_id             VARCHAR NOT NULL,
    sex                  VARCHAR,
    ethnicity            VARCHAR,
    birth_month          DATE,
    start_date           DATE NOT NULL,
    end_date             DATE,
    organisation         VARCHAR,
    PRIMARY KEY (extract_date, row)
);
-- List 3: referrals
CREATE TABLE annex_a_referral (
    extract_date         DATE NOT NULL,
    row                  INTEGER NOT NULL,
    child_id             VARCHAR NOT NULL,
    sex                  VARCHAR,
    ethnicity            VARCHAR,
    birth_month          DATE,
    referral_date        DATE NOT NULL,
    source               VARCHAR NOT NULL,
    nfa                  BOOLEAN,
    referrals_12_months  INTEGER,
    team_name            VARCHAR,
    team_code            VARCHAR,    -- the council's code for team_name, where mapped
    worker_key           VARCHAR,
    PRIMARY KEY (extract_date, row)
);
-- List 4: assessments
CREATE TABLE annex_a_assessment (
    extract_date         DATE NOT NULL,
    row                  INTEGER NOT NULL,
    child_id             VARCHAR NOT NULL,
    sex                  VARCHAR,
    ethnicity            VARCHAR,
    birth_month          DATE,
    disability           BOOLEAN,
    start_date           DATE NOT NULL,
    child_seen           BOOLEAN,
    authorised_date      DATE,
    outcome              VARCHAR,
    team_name            VARCHAR,
    team_code            VARCHAR,    -- the council's code for team_name, where mapped
    worker_key           VARCHAR,
    PRIMARY KEY (extract_date, row)
);
-- List 5: section 47 enquiries and initial child protection conferences
CREATE TABLE annex_a_s47 (
    extract_date         DATE NOT NULL,
    row                  INTEGER NOT NULL,
    child_id             VARCHAR NOT NULL,
    sex                  VARCHAR,
    ethnicity            VARCHAR,
    birth_month          DATE,
    disability           BOOLEAN,
    start_date           DATE NOT NULL,
    icpc_not_required    BOOLEAN,
    icpc_date            DATE,
    icpc_plan            BOOLEAN,
    enquiries_12_months  INTEGER,
    icpcs_12_months      INTEGER,
    team_name            VARCHAR,
    team_code            VARCHAR,    -- the council's code for team_name, where mapped
    worker_key           VARCHAR,
    PRIMARY KEY (extract_date, row)
);
-- List 6: children in need
CREATE TABLE annex_a_cin (
    extract_date         DATE NOT NULL,
    row                  INTEGER NOT NULL,
    child_id             VARCHAR NOT NULL,
    sex                  VARCHAR,
    ethnicity            VARCHAR,
    birth_month          DATE,
    disability           BOOLEAN,
    start_date           DATE,
    primary_need         VARCHAR,
    last_seen            DATE,
    closure_date         DATE,
    closure_reason       VARCHAR,
    case_status          VARCHAR,
    team_name            VARCHAR,
    team_code            VARCHAR,    -- the council's code for team_name, where mapped
    worker_key           VARCHAR,
    PRIMARY KEY (extract_date, row)
);
-- List 7: child protection
CREATE TABLE annex_a_cp (
    extract_date         DATE NOT NULL,
    row                  INTEGER NOT NULL,
    child_id             VARCHAR NOT NULL,
    sex                  VARCHAR,
    ethnicity            VARCHAR,
    birth_month          DATE,
    disability           BOOLEAN,
    start_date           DATE NOT NULL,
    initial_category     VARCHAR,
    latest_category      VARCHAR,
    last_visit           DATE,
    end_date             DATE,
    previous_plans       INTEGER,
    team_name            VARCHAR,
    team_code            VARCHAR,    -- the council's code for team_name, where mapped
    worker_key           VARCHAR,
    PRIMARY KEY (extract_date, row)
);
-- List 8: children looked after
CREATE TABLE annex_a_cla (
    extract_date         DATE NOT NULL,
    row                  INTEGER NOT NULL,
    child_id             VARCHAR NOT NULL,
    sex                  VARCHAR,
    ethnicity            VARCHAR,
    birth_month          DATE,
    disability           BOOLEAN,
    start_date           DATE NOT NULL,
    legal_status         VARCHAR,
    end_date             DATE,
    reason_ceased        VARCHAR,
    placement_start      DATE,
    placement            VARCHAR,
    team_name            VARCHAR,
    team_code            VARCHAR,    -- the council's code for team_name, where mapped
    worker_key           VARCHAR,
    PRIMARY KEY (extract_date, row)
);
-- List 9: care leavers
CREATE TABLE annex_a_care_leaver (
    extract_date         DATE NOT NULL,
    row                  INTEGER NOT NULL,
    child_id             VARCHAR NOT NULL,
    sex                  VARCHAR,
    ethnicity            VARCHAR,
    birth_month          DATE,
    disability           BOOLEAN,
    team_name            VARCHAR,
    team_code            VARCHAR,    -- the council's code for team_name, where mapped
    worker_key           VARCHAR,
    eligibility          VARCHAR,
    in_touch             VARCHAR,
    accommodation        VARCHAR,
    suitable             VARCHAR,
    activity             VARCHAR,
    PRIMARY KEY (extract_date, row)
);
