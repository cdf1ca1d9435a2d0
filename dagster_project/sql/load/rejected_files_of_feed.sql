-- The files of a feed ($feed) whose latest ledger row is a rejection.
select
    file_name,
    file_date
from raw._file_ledger
where feed = $feed
qualify
    row_number() over (partition by file_name order by loaded_at desc) = 1
    and status = 'rejected'
