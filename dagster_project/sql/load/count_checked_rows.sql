-- Rows of the file loaded and quarantined (by a rule, or rejected by the CSV reader).
select
    count(*) filter (where _rules = '') as loaded,
    count(*) filter (where _rules <> '')
    + (select count(*) from _stage_rejects) as quarantined
from _checked
