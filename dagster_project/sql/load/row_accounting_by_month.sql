-- Rows of every feed and month (of file date): read, in raw, quarantined, superseded, unaccounted.
select
    feed,
    strftime(file_date, '%Y-%m') as file_month,
    sum(files) as files,
    sum(rows_read) as rows_read,
    sum(rows_in_raw) as rows_in_raw,
    sum(rows_in_quarantine) as rows_in_quarantine,
    sum(rows_superseded) as rows_superseded,
    sum(rows_unaccounted) as rows_unaccounted
from raw._row_accounting
group by feed, file_month
order by feed, file_month
