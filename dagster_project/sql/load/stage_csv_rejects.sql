-- Lines the CSV reader could not split (one row per line), from its rejects table.
create temp table _stage_rejects as
select
    line::bigint as line,
    'malformed_csv_line: ' || lower(error_type::varchar) as rule,
    csv_line as raw_text
from _rej_errors
qualify row_number() over (partition by line) = 1
