-- fsdash store, version 11: the tables a load fills keep their NOT NULL and CHECK rules but lose
-- their primary and foreign keys. The importer checks every key and reference itself before a
-- row goes in (and reports the file, row and field), so the database's own key indexes only
-- repeated that work: on an England-sized load they took most of its time and memory.
-- Tables are rebuilt child first, so that no foreign key is left pointing at a dropped table.
CREATE TABLE adult_event_new (adult_id VARCHAR NOT NULL, event_date DATE NOT NULL,
    event_type VARCHAR NOT NULL, "source" VARCHAR NOT NULL);
INSERT INTO adult_event_new SELECT * FROM adult_event;
DROP TABLE adult_event;

CREATE TABLE fs_involvement_new (family_id VARCHAR NOT NULL, team_code VARCHAR NOT NULL,
    start_date DATE NOT NULL, end_date DATE, mental_health BOOLEAN NOT NULL,
    domestic_abuse BOOLEAN NOT NULL, substance_misuse BOOLEAN NOT NULL,
    psychologist BOOLEAN NOT NULL, CHECK (end_date IS NULL OR end_date >= start_date));
INSERT INTO fs_involvement_new SELECT * FROM fs_involvement;
DROP TABLE fs_involvement;

CREATE TABLE allocation_new (case_id VARCHAR NOT NULL, child_id VARCHAR NOT NULL,
    family_id VARCHAR NOT NULL, team_code VARCHAR NOT NULL, worker_id VARCHAR,
    case_type VARCHAR NOT NULL, open_date DATE NOT NULL, close_date DATE,
    CHECK (close_date IS NULL OR close_date >= open_date));
INSERT INTO allocation_new SELECT * FROM allocation;
DROP TABLE allocation;

CREATE TABLE cla_episode_new (child_id VARCHAR NOT NULL, decom DATE NOT NULL,
    rne VARCHAR NOT NULL, ls VARCHAR NOT NULL, cin VARCHAR NOT NULL, place VARCHAR NOT NULL,
    place_provider VARCHAR, "dec" DATE, rec VARCHAR, reason_place_change VARCHAR, urn VARCHAR,
    CHECK ("dec" IS NULL OR "dec" >= decom));
INSERT INTO cla_episode_new SELECT * FROM cla_episode;
DROP TABLE cla_episode;

CREATE TABLE cla_child_new (child_id VARCHAR NOT NULL, sex VARCHAR NOT NULL,
    birth_month DATE NOT NULL, ethnicity VARCHAR NOT NULL, mother VARCHAR);
INSERT INTO cla_child_new SELECT * FROM cla_child;
DROP TABLE cla_child;

CREATE TABLE cp_plan_new (plan_id VARCHAR NOT NULL, child_id VARCHAR NOT NULL,
    start_date DATE NOT NULL, end_date DATE, initial_category VARCHAR NOT NULL,
    latest_category VARCHAR NOT NULL);
INSERT INTO cp_plan_new SELECT * FROM cp_plan;
DROP TABLE cp_plan;

CREATE TABLE s47_enquiry_new (s47_id VARCHAR NOT NULL, referral_id VARCHAR NOT NULL,
    child_id VARCHAR NOT NULL, start_date DATE NOT NULL, icpc_target DATE, icpc_date DATE,
    icpc_not_required BOOLEAN NOT NULL, CHECK (icpc_date IS NULL OR icpc_date >= start_date));
INSERT INTO s47_enquiry_new SELECT * FROM s47_enquiry;
DROP TABLE s47_enquiry;

CREATE TABLE assessment_new (assessment_id VARCHAR NOT NULL, referral_id VARCHAR NOT NULL,
    child_id VARCHAR NOT NULL, start_date DATE NOT NULL, authorised_date DATE, factors VARCHAR);
INSERT INTO assessment_new SELECT * FROM assessment;
DROP TABLE assessment;

CREATE TABLE referral_new (referral_id VARCHAR NOT NULL, child_id VARCHAR NOT NULL,
    referral_date DATE NOT NULL, "source" VARCHAR NOT NULL, route VARCHAR NOT NULL,
    primary_need VARCHAR, nfa BOOLEAN NOT NULL, closure_date DATE, closure_reason VARCHAR);
INSERT INTO referral_new SELECT * FROM referral;
DROP TABLE referral;

CREATE TABLE adult_new (adult_id VARCHAR NOT NULL, family_id VARCHAR NOT NULL,
    sex VARCHAR NOT NULL, birth_year INTEGER NOT NULL, relationship VARCHAR);
INSERT INTO adult_new SELECT * FROM adult;
DROP TABLE adult;

CREATE TABLE child_new (child_id VARCHAR NOT NULL, family_id VARCHAR NOT NULL,
    sex VARCHAR NOT NULL, birth_month DATE NOT NULL, ethnicity VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL);
INSERT INTO child_new SELECT * FROM child;
DROP TABLE child;

CREATE TABLE family_new (family_id VARCHAR NOT NULL, district_code VARCHAR NOT NULL);
INSERT INTO family_new SELECT * FROM "family";
DROP TABLE "family";

CREATE TABLE worker_new (worker_id VARCHAR NOT NULL, team_code VARCHAR NOT NULL,
    "role" VARCHAR NOT NULL, fte DECIMAL(4, 2) NOT NULL, start_date DATE NOT NULL, end_date DATE,
    CHECK (fte > 0 AND fte <= 1), CHECK (end_date IS NULL OR end_date >= start_date));
INSERT INTO worker_new SELECT * FROM worker;
DROP TABLE worker;

CREATE TABLE population_new (district_code VARCHAR NOT NULL, "year" INTEGER NOT NULL,
    age INTEGER NOT NULL, population INTEGER NOT NULL, CHECK (age BETWEEN 0 AND 17),
    CHECK (population >= 0));
INSERT INTO population_new SELECT * FROM population;
DROP TABLE population;

ALTER TABLE adult_event_new RENAME TO adult_event;
ALTER TABLE fs_involvement_new RENAME TO fs_involvement;
ALTER TABLE allocation_new RENAME TO allocation;
ALTER TABLE cla_episode_new RENAME TO cla_episode;
ALTER TABLE cla_child_new RENAME TO cla_child;
ALTER TABLE cp_plan_new RENAME TO cp_plan;
ALTER TABLE s47_enquiry_new RENAME TO s47_enquiry;
ALTER TABLE assessment_new RENAME TO assessment;
ALTER TABLE referral_new RENAME TO referral;
ALTER TABLE adult_new RENAME TO adult;
ALTER TABLE child_new RENAME TO child;
ALTER TABLE family_new RENAME TO "family";
ALTER TABLE worker_new RENAME TO worker;
ALTER TABLE population_new RENAME TO population;
