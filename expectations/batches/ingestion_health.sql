-- One row per feed for the month: what the file ledger and the quarantine say of its deliveries.
-- Loaded rows count in the month of their file's date; a rejected file counts in every month it
-- points to (attributed_months), and in every month while it points nowhere.
-- Accounting (raw._row_accounting), for the files dated in the month: every row any delivery
-- read is in raw, in quarantine, or was superseded by a re-delivery (rows_unaccounted must be 0).
with

feeds as (
    select
        f.feed,
        f.daily
    from (values $feed_rows) as f (feed, daily)
),

latest as (
    select
        *,
        file_date >= $month_start and file_date < $month_end as dated_in_month,
        coalesce(attributed_months, strftime(file_date, '%Y-%m')) as months
    from raw._file_ledger
    qualify row_number() over (partition by file_name order by loaded_at desc) = 1
),

this_month as (
    select
        feed,
        sum(case when status = 'loaded' and dated_in_month then rows_loaded else 0 end) as rows_loaded,
        sum(case when status = 'loaded' and dated_in_month then rows_quarantined else 0 end) as rows_quarantined,
        count(*) filter (where status = 'rejected') as rejected_files,
        string_agg(case when status = 'rejected' then file_name end, ', ' order by file_name) as rejected_file_names,
        bool_or(status = 'loaded' and file_date = cast($month_end as date) - 1) as last_day_file_present
    from latest
    where
        dated_in_month
        or (
            status = 'rejected'
            and (months is null or list_contains(string_split(months, ','), strftime($month_start, '%Y-%m')))
        )
    group by feed
),

accounting as (
    select
        feed,
        sum(rows_read) as rows_read,
        sum(rows_in_raw) as rows_in_raw,
        sum(rows_in_quarantine) as rows_in_quarantine,
        sum(rows_superseded) as rows_superseded,
        sum(rows_unaccounted) as rows_unaccounted
    from raw._row_accounting
    where file_date >= $month_start and file_date < $month_end
    group by feed
),

previous as (
    select
        feed,
        sum(rows_loaded) / count(distinct date_trunc('month', file_date)) as avg_rows
    from raw._file_ledger
    where
        status = 'loaded'
        and file_date >= cast($month_start as date) - interval 3 month
        and file_date < $month_start
    group by feed
)

select
    feeds.feed,
    feeds.daily,
    $month_closed as month_closed,
    coalesce(this_month.rows_loaded, 0) as rows_loaded,
    coalesce(this_month.rows_quarantined, 0) as rows_quarantined,
    case
        when coalesce(this_month.rows_loaded, 0) + coalesce(this_month.rows_quarantined, 0) = 0 then 0.0
        else this_month.rows_quarantined / (this_month.rows_loaded + this_month.rows_quarantined)
    end as quarantine_rate,
    coalesce(this_month.rejected_files, 0) as rejected_files,
    this_month.rejected_file_names,
    coalesce(this_month.last_day_file_present, false) as last_day_file_present,
    this_month.rows_loaded / nullif(previous.avg_rows, 0) as rows_ratio_to_previous,
    coalesce(accounting.rows_read, 0) as rows_read,
    coalesce(accounting.rows_in_raw, 0) as rows_in_raw,
    coalesce(accounting.rows_in_quarantine, 0) as rows_in_quarantine,
    coalesce(accounting.rows_superseded, 0) as rows_superseded,
    coalesce(accounting.rows_unaccounted, 0) as rows_unaccounted
from feeds
left join this_month on feeds.feed = this_month.feed
left join previous on feeds.feed = previous.feed
left join accounting on feeds.feed = accounting.feed
