-- The n-th parsed row of _stage is on the n-th line (from 2) the reader did not reject.
-- $last_line: the number of lines of the file (rows parsed + rejected + the header).
create or replace temp table _stage as
with lines as (
    select
        r.l as line,
        row_number() over (order by r.l) as rn
    from range(2, $last_line + 1) as r (l)
    where r.l not in (select rejects.line from _stage_rejects as rejects)
)

select
    s.* exclude (s._row),
    lines.line as _line
from _stage as s
inner join lines on s._row = lines.rn
