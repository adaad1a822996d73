-- fsdash store, version 14: results counted at load time (fsdash.metrics.aggregate), so that
-- pages read a measure's figures instead of counting them again from the records. Each load
-- counts them anew into kept_<name> tables; these two say which are held.
-- * kept_date: the month ends every kept result covers.
-- * kept_result: each kept result by name and key (an area and age range, or none).
CREATE TABLE kept_date (as_at DATE NOT NULL PRIMARY KEY);
CREATE TABLE kept_result (name VARCHAR NOT NULL, key VARCHAR NOT NULL, PRIMARY KEY (name, key));
