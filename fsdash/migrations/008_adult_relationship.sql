-- fsdash store, version 8: each adult's relationship to the children in the family, so adults'
-- outcomes can be shown by it. Blank where the council's record does not say.
ALTER TABLE adult ADD COLUMN relationship VARCHAR;

INSERT INTO ref_code (list, code, label) VALUES
    ('ADULT_RELATIONSHIP', 'MOTHER', 'Mother'),
    ('ADULT_RELATIONSHIP', 'FATHER', 'Father'),
    ('ADULT_RELATIONSHIP', 'PARTNER', 'Step-parent or parent''s partner'),
    ('ADULT_RELATIONSHIP', 'RELATIVE', 'Other relative or carer');
