-- The latest ledger row of one file ($file_name): its hash and status.
select
    sha256,
    status
from raw._file_ledger
where file_name = $file_name
order by loaded_at desc
limit 1
