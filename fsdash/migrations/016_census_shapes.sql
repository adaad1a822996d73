-- fsdash store, version 16: what the children in need census gives beyond referrals,
-- assessments, enquiries and protection plans, for every collection year's shape.
-- * cin_disability: each child's disabilities (ChildCharacteristics/Disabilities/Disability),
--   one row a code, named by the child and the code.
-- * cin_plan: children in need plans (CINdetails/CINPlanDates), named by the referral and the
--   plan's start date.
-- * pre_proceedings: pre-proceedings and family group decision making (CINdetails/
--   PreProceedingsandFGDM, in the newest years' census), named by the referral and its start.
-- Source: DfE children in need census specifications, and the element and code lists that Data
-- to Insight's csc-validator-be-cin (MIT) reads and checks.
CREATE TABLE cin_disability (disability_id VARCHAR NOT NULL, child_id VARCHAR NOT NULL,
    disability VARCHAR NOT NULL);

CREATE TABLE cin_plan (cin_plan_id VARCHAR NOT NULL, referral_id VARCHAR NOT NULL,
    child_id VARCHAR NOT NULL, start_date DATE NOT NULL, end_date DATE,
    CHECK (end_date IS NULL OR end_date >= start_date));

CREATE TABLE pre_proceedings (pre_proceedings_id VARCHAR NOT NULL,
    referral_id VARCHAR NOT NULL, child_id VARCHAR NOT NULL, start_date DATE NOT NULL,
    letter_before_proceedings_date DATE, fgdm_offered BOOLEAN, fgdm_facilitated BOOLEAN,
    initial_meeting_date DATE, review_meetings INTEGER, step_decision_date DATE,
    outcome VARCHAR, court_application_date DATE, letter_init_cp_date DATE);

-- The census's disability codes (the same in every year from 2013-14 on).
INSERT INTO ref_code (list, code, label) VALUES
    ('DISABILITY', 'NONE', 'No disability'),
    ('DISABILITY', 'MOB', 'Mobility'),
    ('DISABILITY', 'HAND', 'Hand function'),
    ('DISABILITY', 'PC', 'Personal care'),
    ('DISABILITY', 'INC', 'Incontinence'),
    ('DISABILITY', 'COMM', 'Communication'),
    ('DISABILITY', 'LD', 'Learning'),
    ('DISABILITY', 'HEAR', 'Hearing'),
    ('DISABILITY', 'VIS', 'Vision'),
    ('DISABILITY', 'BEH', 'Behaviour'),
    ('DISABILITY', 'CON', 'Consciousness'),
    ('DISABILITY', 'AUT', 'Autistic spectrum disorder'),
    ('DISABILITY', 'DDA', 'Other disability under the Disability Discrimination Act');
