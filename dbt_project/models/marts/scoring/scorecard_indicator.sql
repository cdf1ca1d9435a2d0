{#- Every indicator of every scored entity and month (spec, "Scoring methods" and "Missing data"),
    under the template version in force and the indicator set of the entity's role
    (int_scorecard_entities; which indicator belongs to which role is template data only): value with numerator and denominator, target (entity
    override, else the level's default), attainment, fraction by the indicator's method, weight,
    effective weight after n/a re-weighting, points and bonus points.
    Targets, method parameters (cap, threshold, red line) and bands may be overridden per entity
    (spec, end of "Dimensions"): an entity's own rows win over the defaults (entity_id '*'); an
    entity with bands of its own uses that band set instead of the default one.
    points = effective weight x min(fraction, 1), so a dimension never earns more than its weight;
    bonus_points = effective weight x (fraction - 1) when the fraction exceeds 1 (spec, "Bonus"):
    whether an indicator earns bonus follows from its template data (a cap above 1), not its code.
    Attainment is value / target, or target / value for lower-is-better indicators, whose value 0
    has attainment = cap; floored at 0, so an NPS of -20 has attainment 0 (spec, "Scoring
    methods"). Choice (spec silent): an indicator without a
    cap parameter has cap 1 there (its fraction never exceeds 1). -#}
with int_indicators_activity as (
    select * from {{ ref('int_indicators_activity') }}
),

int_indicators_conversion as (
    select * from {{ ref('int_indicators_conversion') }}
),

int_indicators_risk as (
    select * from {{ ref('int_indicators_risk') }}
),

int_indicators_brand_data as (
    select * from {{ ref('int_indicators_brand_data') }}
),

int_indicators_authored_content as (
    select * from {{ ref('int_indicators_authored_content') }}
),

int_indicators_staff_accounts as (
    select * from {{ ref('int_indicators_staff_accounts') }}
),

int_indicators_analyst_branch as (
    select * from {{ ref('int_indicators_analyst_branch') }}
),

stg_template_method_params as (
    select * from {{ ref('stg_template_method_params') }}
),

stg_template_indicators as (
    select * from {{ ref('stg_template_indicators') }}
),

indicator_catalog as (
    select * from {{ ref('indicator_catalog') }}
),

entities as (
    select * from {{ ref('int_scorecard_entities') }}
    where {{ in_partition_window('period_month') }}
),

indicator_values as (
    select * from {{ ref('int_indicators_acquisition') }}
    union all
    select * from int_indicators_activity
    union all
    select * from int_indicators_conversion
    union all
    select * from int_indicators_risk
    union all
    select * from int_indicators_brand_data
    union all
    select * from int_indicators_authored_content
    union all
    select * from int_indicators_staff_accounts
    union all
    select * from int_indicators_analyst_branch
),

params as (
    select
        template_version,
        indicator_code,
        entity_level,
        entity_id,
        max(case when param = 'cap' then value end) as cap,
        max(case when param = 'threshold' then value end) as threshold_value,
        max(case when param = 'red_line' then value end) as red_line
    from stg_template_method_params
    group by template_version, indicator_code, entity_level, entity_id
),

bands as (
    select * from {{ ref('stg_template_bands') }}
),

band_overrides as (
    select distinct
        template_version,
        indicator_code,
        entity_level,
        entity_id
    from bands
    where entity_id <> '*'
),

targets as (
    select * from {{ ref('stg_template_targets') }}
),

base as (
    select
        entities.period_month,
        entities.entity_level,
        entities.entity_id,
        entities.template_version,
        entities.role,
        entities.home_branch_id,
        indicators.indicator_code,
        indicators.dimension,
        indicators.name_zh,
        indicators.name_en,
        indicators.direction,
        indicators.method,
        indicators.weight,
        catalog.value_kind,
        catalog.denominator_meaning,
        coalesce(entity_params.cap, default_params.cap) as cap,
        coalesce(entity_params.threshold_value, default_params.threshold_value) as threshold_value,
        coalesce(entity_params.red_line, default_params.red_line) as red_line,
        band_overrides.entity_id is not null as has_own_bands,
        {#- values rounded to 9 decimals: sums of doubles depend on the order the engine takes them
            in, and the scores (and a release's content hash) must not (macros/numbers.sql) -#}
        {{ round_double('indicator_values.denominator', 9) }} as denominator,
        coalesce(overrides.target, defaults.target) as target,
        {{ round_double(
            "case when catalog.value_kind = 'count' then coalesce(indicator_values.numerator, 0)"
            ~ " else indicator_values.numerator end",
            9
        ) }} as numerator,
        {{ round_double(
            "case when catalog.value_kind = 'count' then coalesce(indicator_values.value, 0)"
            ~ " else indicator_values.value end",
            9
        ) }} as value
    from entities
    inner join stg_template_indicators as indicators
        on entities.template_version = indicators.template_version and entities.role = indicators.role
    inner join indicator_catalog as catalog on indicators.indicator_code = catalog.indicator_code
    left join params as default_params
        on
            indicators.template_version = default_params.template_version
            and indicators.indicator_code = default_params.indicator_code
            and default_params.entity_id = '*'
    left join params as entity_params
        on
            indicators.template_version = entity_params.template_version
            and indicators.indicator_code = entity_params.indicator_code
            and entities.entity_level = entity_params.entity_level
            and entities.entity_id = entity_params.entity_id
    left join band_overrides
        on
            indicators.template_version = band_overrides.template_version
            and indicators.indicator_code = band_overrides.indicator_code
            and entities.entity_level = band_overrides.entity_level
            and entities.entity_id = band_overrides.entity_id
    left join targets as defaults
        on
            indicators.template_version = defaults.template_version
            and indicators.indicator_code = defaults.indicator_code
            and entities.entity_level = defaults.entity_level
            and defaults.entity_id = '*'
    left join targets as overrides
        on
            indicators.template_version = overrides.template_version
            and indicators.indicator_code = overrides.indicator_code
            and entities.entity_level = overrides.entity_level
            and entities.entity_id = overrides.entity_id
    left join indicator_values
        on
            {{ same_entity_month('entities', 'indicator_values') }}
            and indicators.indicator_code = indicator_values.indicator_code
),

with_status as (
    select
        base.*,
        case
            when base.value_kind = 'count' then 'ok'
            when coalesce(base.denominator, 0) = 0 or base.value is null then 'n/a'
            else 'ok'
        end as status
    from base
),

band_fractions as (
    select
        with_status.period_month,
        with_status.entity_level,
        with_status.entity_id,
        with_status.indicator_code,
        case
            when with_status.method = 'banded'
                then {{ banded('with_status.value', 'bands.threshold', 'bands.fraction') }}
            else {{ inverse_banded('with_status.value', 'bands.threshold', 'bands.fraction') }}
        end as band_fraction
    from with_status
    inner join bands
        on
            with_status.template_version = bands.template_version
            and with_status.indicator_code = bands.indicator_code
            and (
                (
                    with_status.has_own_bands
                    and bands.entity_level = with_status.entity_level
                    and bands.entity_id = with_status.entity_id
                )
                or (not with_status.has_own_bands and bands.entity_id = '*')
            )
    where with_status.method in ('banded', 'inverse_banded') and with_status.status = 'ok'
    group by
        with_status.period_month, with_status.entity_level, with_status.entity_id, with_status.indicator_code,
        with_status.method, with_status.value
),

peer_groups as (
    select * from {{ ref('int_scorecard_peer_groups') }}
),

fractions as (
    select
        with_status.*,
        peer_groups.peer_group,
        case
            when with_status.status = 'n/a' then null
            when with_status.method = 'ratio_to_target'
                then {{ ratio_to_target('with_status.value', 'with_status.target', 'with_status.cap') }}
            when with_status.method = 'inverse_ratio'
                then {{ inverse_ratio('with_status.value', 'with_status.target', 'with_status.cap') }}
            when with_status.method in ('banded', 'inverse_banded') then band_fractions.band_fraction
            when with_status.method = 'threshold'
                then {{ threshold('with_status.value', 'with_status.threshold_value', 'with_status.direction') }}
            when with_status.method = 'log_capped' then {{ log_capped('with_status.value', 'with_status.target') }}
        end as method_fraction,
        case
            when with_status.status = 'ok' and with_status.method = 'percentile' then
            {{ percentile(
                'with_status.value', 'with_status.direction',
                'with_status.period_month, with_status.entity_level, with_status.indicator_code, peer_groups.peer_group, with_status.status'
            ) }}
        end as percentile_fraction
    from with_status
    left join band_fractions
        on
            {{ same_entity_month('with_status', 'band_fractions') }}
            and with_status.indicator_code = band_fractions.indicator_code
    left join peer_groups
        on {{ same_entity_month('with_status', 'peer_groups') }}
),

dimension_weights as (
    select
        period_month,
        entity_level,
        entity_id,
        dimension,
        sum(weight) as dimension_weight,
        sum(case when status = 'ok' then weight else 0 end) as applicable_weight
    from fractions
    group by period_month, entity_level, entity_id, dimension
),

entity_weights as (
    select
        period_month,
        entity_level,
        entity_id,
        sum(dimension_weight) as total_weight,
        sum(case when applicable_weight > 0 then dimension_weight else 0 end) as applicable_dimension_weight
    from dimension_weights
    group by period_month, entity_level, entity_id
),

weighted as (
    select
        fractions.*,
        coalesce(fractions.method_fraction, fractions.percentile_fraction) as fraction,
        case
            when fractions.status = 'ok' and entity_weights.applicable_dimension_weight > 0
                then
                    fractions.weight
                    * (dimension_weights.dimension_weight / dimension_weights.applicable_weight)
                    * (entity_weights.total_weight / entity_weights.applicable_dimension_weight)
            else 0
        end as effective_weight
    from fractions
    inner join dimension_weights
        on
            {{ same_entity_month('fractions', 'dimension_weights') }}
            and fractions.dimension = dimension_weights.dimension
    inner join entity_weights
        on {{ same_entity_month('fractions', 'entity_weights') }}
)

select
    period_month,
    entity_level,
    entity_id,
    template_version,
    role,
    indicator_code,
    dimension,
    name_zh,
    name_en,
    direction,
    method,
    cast(value as double) as value,
    cast(target as double) as target,
    cast(case
        when status = 'n/a' then null
        when direction = 'lower' and value = 0 then coalesce(cap, 1)
        -- floored at 0; a null target (no attainment) stays null
        when direction = 'lower' and target / value < 0 then 0
        when direction = 'lower' then target / value
        when value / target < 0 then 0
        else value / target
    end as double) as attainment,
    cast(fraction as double) as fraction,
    cast(weight as double) as weight,
    cast(effective_weight as double) as effective_weight,
    cast(effective_weight * least(coalesce(fraction, 0), 1) as double) as points,
    cast(effective_weight * greatest(coalesce(fraction, 0) - 1, 0) as double) as bonus_points,
    status,
    {#- why an indicator is n/a, for people (explain, the views, the report): its denominator, from
        the seed indicator_catalog, has nothing in it -#}
    case when status = 'n/a' then {{ dbt.concat(["'no '", "denominator_meaning"]) }} end as na_reason,
    cast(numerator as double) as numerator,
    cast(denominator as double) as denominator,
    cast(red_line as double) as red_line,
    peer_group,
    coalesce(status = 'ok' and red_line is not null and value > red_line, false) as breaches_red_line
from weighted
