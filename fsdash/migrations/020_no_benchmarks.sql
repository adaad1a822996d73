-- fsdash store, version 20: the hand-typed benchmarks go (issue 26). England's, the region's and
-- the statistical neighbours' figures come from the DfE's published files loaded as a source of
-- their own (published_value, version 19), year by year, never from the council file.
DROP TABLE IF EXISTS benchmark;
