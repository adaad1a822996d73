-- fsdash store, version 4: the SSDA903 placement codes from 2025-26, when "other placement" (Z1)
-- was split in four. Z1 stays, so returns from before the change still load.
-- Source: DfE SSDA903 specification 2025-26 and the DfE validation rule 146 for that year.
INSERT INTO ref_code (list, code, label) VALUES
    ('PLACE', 'Z11', 'Other placement (2025-26 code Z11; see the year''s specification)'),
    ('PLACE', 'Z12', 'Other placement (2025-26 code Z12; see the year''s specification)'),
    ('PLACE', 'Z13', 'Other placement (2025-26 code Z13; see the year''s specification)'),
    ('PLACE', 'Z14', 'Other placement (2025-26 code Z14; see the year''s specification)');
