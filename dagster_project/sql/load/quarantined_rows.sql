-- The rows of raw._quarantine of one file: rows that broke a rule (_checked) and lines the
-- reader rejected (_stage_rejects). $1 feed, $2 file name, $3 file date, $4 quarantined at.
select
    cast($1 as varchar) as feed,
    cast($2 as varchar) as file_name,
    cast($3 as date) as file_date,
    _line as line_number,
    _rules as rule,
    _raw_text as raw_text,
    cast($4 as timestamp) as quarantined_at
from _checked
where _rules <> ''
union all
select
    cast($1 as varchar) as feed,
    cast($2 as varchar) as file_name,
    cast($3 as date) as file_date,
    line as line_number,
    rule,
    raw_text,
    cast($4 as timestamp) as quarantined_at
from _stage_rejects
