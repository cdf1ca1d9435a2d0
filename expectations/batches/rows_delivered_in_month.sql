-- A raw feed's rows delivered in the month (file date): the batch of every raw_<feed> suite.
-- $table is the suite's `reads` (raw.<feed>).
select *
from $table
where _file_date >= $month_start and _file_date < $month_end
