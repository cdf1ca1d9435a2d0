-- Rows of the file that broke a rule (_checked), and lines the reader rejected (_stage_rejects).
-- $1 feed, $2 file name, $3 file date, $4 quarantined at.
insert into raw._quarantine
select
    $1,
    $2,
    $3,
    _line,
    _rules,
    _raw_text,
    $4
from _checked
where _rules <> ''
union all
select
    $1,
    $2,
    $3,
    line,
    rule,
    raw_text,
    $4
from _stage_rejects
