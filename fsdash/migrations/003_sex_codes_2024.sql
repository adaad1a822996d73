-- fsdash store, version 3: the SSDA903 sex codes from 2024-25 (M male, F female, U unknown or
-- not stated) beside the older 1 and 2, so extracts from before and after the change both load.
-- Source: DfE SSDA903 specification 2024-25, and the DfE validation rule 101 for that year.
INSERT INTO ref_code (list, code, label) VALUES
    ('SEX', 'M', 'Male'),
    ('SEX', 'F', 'Female'),
    ('SEX', 'U', 'Unknown or not stated');
