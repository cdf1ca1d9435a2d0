-- What the loader has done to the feeds $feeds (a list): a new delivery, rejection or withdrawal
-- adds a ledger row (an unchanged file adds none).
select
    count(*) as attempts,
    max(loaded_at) as last_attempt
from raw._file_ledger
where list_contains($feeds, feed)
