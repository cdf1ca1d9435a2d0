-- The latest ledger row of one file ($file_name): its hash, status and time.
select
    sha256,
    status,
    loaded_at
from raw._file_ledger
where file_name = $file_name
order by loaded_at desc
limit 1
