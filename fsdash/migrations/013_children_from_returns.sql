-- fsdash store, version 13: children from the returns a council already makes, and the children
-- in need census.
-- * The children a council's local file lists are kept as loaded in local_child. Each load
--   rebuilds child from local_child, the SSDA903 header returns (cla_child) and the census
--   (cin_child), so a child in a return needs no local row: family and district may then be
--   unknown (the district comes from the home postcode's outward code where a return gives one;
--   the postcode itself is not kept).
-- * The census does not record the front-door route: a referral's route may be unknown.
-- * Code lists may change between collection years: a code is valid from first_year to
--   last_year (the years the collections end; empty: no limit). The census's sex codes changed
--   in 2024-25, as the SSDA903's did (source: DfE CIN census specifications; the 2023-24 schema
--   lists GenderCurrent 0, 1, 2, 9).
CREATE TABLE local_child (child_id VARCHAR NOT NULL, family_id VARCHAR NOT NULL,
    sex VARCHAR NOT NULL, birth_month DATE NOT NULL, ethnicity VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL);
INSERT INTO local_child SELECT * FROM child;
ALTER TABLE child ALTER COLUMN family_id DROP NOT NULL;
ALTER TABLE child ALTER COLUMN district_code DROP NOT NULL;

CREATE TABLE cin_child (child_id VARCHAR NOT NULL, sex VARCHAR NOT NULL,
    birth_month DATE NOT NULL, ethnicity VARCHAR NOT NULL);

ALTER TABLE cla_episode ADD COLUMN home_district VARCHAR;
ALTER TABLE referral ALTER COLUMN route DROP NOT NULL;

ALTER TABLE ref_code ADD COLUMN first_year INTEGER;
ALTER TABLE ref_code ADD COLUMN last_year INTEGER;
INSERT INTO ref_code (list, code, label, first_year, last_year) VALUES
    ('CENSUS_SEX', '0', 'Not recorded or unborn', NULL, 2024),
    ('CENSUS_SEX', '1', 'Male', NULL, 2024),
    ('CENSUS_SEX', '2', 'Female', NULL, 2024),
    ('CENSUS_SEX', '9', 'Indeterminate', NULL, 2024),
    ('CENSUS_SEX', 'M', 'Male', 2025, NULL),
    ('CENSUS_SEX', 'F', 'Female', 2025, NULL),
    ('CENSUS_SEX', 'U', 'Unknown or not stated', 2025, NULL);
-- The census's primary need adds N0 (not stated) to the SSDA903 category of need N1-N9.
INSERT INTO ref_code (list, code, label)
    SELECT 'CENSUS_NEED', code, label FROM ref_code WHERE list = 'CIN'
    UNION ALL SELECT 'CENSUS_NEED', 'N0', 'Not stated';
