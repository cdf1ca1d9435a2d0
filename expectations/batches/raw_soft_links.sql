-- Soft links of the month's deliveries (contract.md): kept even when unknown, reported here.
-- One branch per link of ingest/feeds.py (Feed.soft_links); `feed` is the feed that holds the link
-- (the suite runs on each raw/<feed> asset over its own rows).
select
    'memberships' as feed,
    'memberships.client_id' as link,
    m.client_id as value,
    m.client_id in (select c.client_id from raw.clients as c) as known
from raw.memberships as m
where m.client_id is not null and m._file_date >= $month_start and m._file_date < $month_end
union all
select
    'leads' as feed,
    'leads.source_community_id' as link,
    l.source_community_id as value,
    l.source_community_id in (select c.community_id from raw.communities as c) as known
from raw.leads as l
where l.source_community_id is not null and l._file_date >= $month_start and l._file_date < $month_end
union all
select
    'communities' as feed,
    'communities.owner_manager_id' as link,
    c.owner_manager_id as value,
    c.owner_manager_id in (select m.manager_id from raw.managers as m) as known
from raw.communities as c
where c._file_date >= $month_start and c._file_date < $month_end
union all
select
    'engagement_events' as feed,
    'engagement_events.member_id' as link,
    e.member_id as value,
    e.member_id in (select m.member_id from raw.memberships as m) as known
from (
    select distinct events.member_id
    from raw.engagement_events as events
    where events._file_date >= $month_start and events._file_date < $month_end
) as e
union all
select
    'surveys' as feed,
    'surveys.member_id' as link,
    s.member_id as value,
    s.member_id in (select m.member_id from raw.memberships as m) as known
from (
    select distinct surveys.member_id
    from raw.surveys as surveys
    where surveys._file_date >= $month_start and surveys._file_date < $month_end
) as s
