-- Rows of one file ($file_name) in quarantine for an unknown hard foreign key.
select count(*) as n
from raw._quarantine
where
    file_name = $file_name
    and rule like '%unknown_foreign_key:%'
