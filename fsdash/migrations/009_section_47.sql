-- fsdash store, version 9: section 47 enquiries and initial child protection conferences, as in
-- the children in need census (Section47: S47ActualStartDate, InitialCPCtarget,
-- DateOfInitialCPC, ICPCnotRequired). The enquiry starts at the strategy discussion.
CREATE TABLE s47_enquiry (
    s47_id            VARCHAR PRIMARY KEY,
    referral_id       VARCHAR NOT NULL REFERENCES referral (referral_id),
    child_id          VARCHAR NOT NULL REFERENCES child (child_id),
    start_date        DATE NOT NULL,       -- S47ActualStartDate
    icpc_target       DATE,                -- InitialCPCtarget
    icpc_date         DATE,                -- DateOfInitialCPC
    icpc_not_required BOOLEAN NOT NULL,    -- ICPCnotRequired
    CHECK (icpc_date IS NULL OR icpc_date >= start_date)
);
