-- fsdash store, version 1: geography, teams, people, the children in need census shape,
-- the SSDA903 episodes shape, allocations, Family Safeguarding work, adult events,
-- benchmarks, targets and the audit of loads.

CREATE TABLE ref_code (
    list  VARCHAR NOT NULL,   -- code list, e.g. LS, RNE, PLACE
    code  VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    PRIMARY KEY (list, code)
);

CREATE TABLE locality (
    locality_code VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL
);

CREATE TABLE district (
    district_code VARCHAR PRIMARY KEY,   -- ONS code
    name          VARCHAR NOT NULL,
    locality_code VARCHAR NOT NULL REFERENCES locality (locality_code)
);

CREATE TABLE population (
    district_code VARCHAR NOT NULL REFERENCES district (district_code),
    year          INTEGER NOT NULL,      -- mid-year (30 June) estimate
    age           INTEGER NOT NULL CHECK (age BETWEEN 0 AND 17),
    population    INTEGER NOT NULL CHECK (population >= 0),
    PRIMARY KEY (district_code, year, age)
);

CREATE TABLE team (
    team_code     VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,
    locality_code VARCHAR NOT NULL REFERENCES locality (locality_code)
);

CREATE TABLE team_district (
    team_code     VARCHAR NOT NULL REFERENCES team (team_code),
    district_code VARCHAR NOT NULL REFERENCES district (district_code),
    PRIMARY KEY (team_code, district_code)
);

CREATE TABLE worker (
    worker_id  VARCHAR PRIMARY KEY,      -- pseudonymous
    team_code  VARCHAR NOT NULL REFERENCES team (team_code),
    role       VARCHAR NOT NULL,         -- ref_code list WORKER_ROLE
    fte        DECIMAL(4, 2) NOT NULL CHECK (fte > 0 AND fte <= 1),
    start_date DATE NOT NULL,
    end_date   DATE,
    CHECK (end_date IS NULL OR end_date >= start_date)
);

CREATE TABLE family (
    family_id     VARCHAR PRIMARY KEY,   -- pseudonymous
    district_code VARCHAR NOT NULL REFERENCES district (district_code)
);

CREATE TABLE child (
    child_id      VARCHAR PRIMARY KEY,   -- pseudonymous; the SSDA903 CHILD
    family_id     VARCHAR NOT NULL REFERENCES family (family_id),
    sex           VARCHAR NOT NULL,      -- 1 male, 2 female
    birth_month   DATE NOT NULL,         -- first day of the month of birth: full dates are not kept
    ethnicity     VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL REFERENCES district (district_code)
);

CREATE TABLE adult (
    adult_id   VARCHAR PRIMARY KEY,      -- pseudonymous
    family_id  VARCHAR NOT NULL REFERENCES family (family_id),
    sex        VARCHAR NOT NULL,
    birth_year INTEGER NOT NULL
);

CREATE TABLE referral (
    referral_id    VARCHAR PRIMARY KEY,
    child_id       VARCHAR NOT NULL REFERENCES child (child_id),
    referral_date  DATE NOT NULL,        -- CINreferralDate
    source         VARCHAR NOT NULL,     -- ReferralSource
    route          VARCHAR NOT NULL,     -- MASH or HUB (support hub)
    primary_need   VARCHAR,              -- PrimaryNeedCode N1-N9
    nfa            BOOLEAN NOT NULL,     -- ReferralNFA
    closure_date   DATE,                 -- CINclosureDate
    closure_reason VARCHAR               -- ReasonForClosure RC1-RC9
);

CREATE TABLE assessment (
    assessment_id   VARCHAR PRIMARY KEY,
    referral_id     VARCHAR NOT NULL REFERENCES referral (referral_id),
    child_id        VARCHAR NOT NULL REFERENCES child (child_id),
    start_date      DATE NOT NULL,       -- AssessmentActualStartDate
    authorised_date DATE,                -- AssessmentAuthorisationDate
    factors         VARCHAR              -- assessment factor codes, space-separated
);

CREATE TABLE cp_plan (
    plan_id          VARCHAR PRIMARY KEY,
    child_id         VARCHAR NOT NULL REFERENCES child (child_id),
    start_date       DATE NOT NULL,      -- CPPstartDate
    end_date         DATE,               -- CPPendDate
    initial_category VARCHAR NOT NULL,   -- InitialCategoryOfAbuse
    latest_category  VARCHAR NOT NULL    -- LatestCategoryOfAbuse
);

-- SSDA903 header, less UPN, MOTHER's child's date of birth and the full DOB.
CREATE TABLE cla_child (
    child_id    VARCHAR PRIMARY KEY REFERENCES child (child_id),
    sex         VARCHAR NOT NULL,
    birth_month DATE NOT NULL,
    ethnicity   VARCHAR NOT NULL,
    mother      VARCHAR
);

-- SSDA903 episodes. Postcodes are not kept: the child's district comes from child.
CREATE TABLE cla_episode (
    child_id            VARCHAR NOT NULL REFERENCES cla_child (child_id),
    decom               DATE NOT NULL,
    rne                 VARCHAR NOT NULL,
    ls                  VARCHAR NOT NULL,
    cin                 VARCHAR NOT NULL,
    place               VARCHAR NOT NULL,
    place_provider      VARCHAR,
    dec                 DATE,
    rec                 VARCHAR,
    reason_place_change VARCHAR,
    urn                 VARCHAR,
    PRIMARY KEY (child_id, decom),
    CHECK (dec IS NULL OR dec >= decom)
);

CREATE TABLE allocation (
    case_id    VARCHAR NOT NULL,
    child_id   VARCHAR NOT NULL REFERENCES child (child_id),
    family_id  VARCHAR NOT NULL REFERENCES family (family_id),
    team_code  VARCHAR NOT NULL REFERENCES team (team_code),
    worker_id  VARCHAR NOT NULL REFERENCES worker (worker_id),
    case_type  VARCHAR NOT NULL,         -- CIN, CP or CLA
    open_date  DATE NOT NULL,
    close_date DATE,
    PRIMARY KEY (case_id, child_id, open_date),
    CHECK (close_date IS NULL OR close_date >= open_date)
);

CREATE TABLE fs_involvement (
    family_id        VARCHAR NOT NULL REFERENCES family (family_id),
    team_code        VARCHAR NOT NULL REFERENCES team (team_code),
    start_date       DATE NOT NULL,
    end_date         DATE,
    mental_health    BOOLEAN NOT NULL,
    domestic_abuse   BOOLEAN NOT NULL,
    substance_misuse BOOLEAN NOT NULL,
    psychologist     BOOLEAN NOT NULL,
    PRIMARY KEY (family_id, start_date),
    CHECK (end_date IS NULL OR end_date >= start_date)
);

CREATE TABLE adult_event (
    adult_id   VARCHAR NOT NULL REFERENCES adult (adult_id),
    event_date DATE NOT NULL,
    event_type VARCHAR NOT NULL,         -- POLICE or EMERGENCY_ADMISSION
    source     VARCHAR NOT NULL
);

CREATE TABLE benchmark (
    measure VARCHAR NOT NULL,            -- e.g. england_cla_rate
    label   VARCHAR NOT NULL,
    year    INTEGER NOT NULL,            -- 31 March of this year
    value   DOUBLE NOT NULL,
    PRIMARY KEY (measure, year)
);

CREATE TABLE target (
    measure          VARCHAR PRIMARY KEY,
    baseline_date    DATE NOT NULL,
    annual_reduction DOUBLE NOT NULL,
    years            INTEGER NOT NULL
);

CREATE TABLE load_audit (
    load_id     INTEGER NOT NULL,
    loaded_at   TIMESTAMP NOT NULL,
    source      VARCHAR NOT NULL,        -- the folder loaded
    file        VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    rows_loaded BIGINT NOT NULL,
    config      VARCHAR NOT NULL         -- council configuration file used
);
