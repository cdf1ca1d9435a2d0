{#- Keyed hash (HMAC-SHA256) of a PII column. On DuckDB the function is registered by the
    dbt-duckdb plugin dagster_project.pii, which reads SCORECARD_PII_KEY from the environment,
    so the key never appears in compiled SQL. Other engines must register the same function. -#}
{% macro pii_hash(column) -%}
    {{ return(adapter.dispatch('pii_hash', 'community_scorecard')(column)) }}
{%- endmacro %}

{% macro default__pii_hash(column) -%}
    pii_hmac(cast({{ column }} as {{ dbt.type_string() }}))
{%- endmacro %}

{#- Spark: HMAC-SHA256 (RFC 2104) from built-in functions, equal to the DuckDB plugin's value
    (dim_client.uscc_hmac in tests/integration/test_spark_dbt.py). The key is the session's configuration
    `spark.scorecard.pii_key` (profiles.yml reads SCORECARD_PII_KEY from the environment), which
    Spark substitutes for `${...}` when it parses the statement: compiled SQL never holds it.
    Spark substitutes a redacted text for a value matching spark.redaction.regex (a key containing
    "secret", "password" or "token"): such a key is refused rather than hashed with. -#}
{% macro spark__pii_hash(column) -%}
    {%- set key = "encode('${spark.scorecard.pii_key}', 'utf-8')" -%}
    {%- set key_hex = "rpad(case when length(" ~ key ~ ") > 64 then sha2(" ~ key ~ ", 256) else hex(" ~ key ~ ") end, 128, '0')" -%}
    case
        when length({{ key }}) < 16 then raise_error(
            'SCORECARD_PII_KEY is not set (or shorter than 16 characters): staging hashes PII with it'
        )
        when '${spark.scorecard.pii_key}' like '%(redacted)' then raise_error(
            'Spark redacted SCORECARD_PII_KEY (spark.redaction.regex: it contains secret, password or token): use a random key'
        )
        else lower(sha2(concat(
        {{ _spark_hmac_pad(key_hex, 92) }},
        unhex(sha2(concat(
            {{ _spark_hmac_pad(key_hex, 54) }},
            encode(regexp_replace(cast({{ column }} as string), '^\\s+|\\s+$', ''), 'utf-8')
        ), 256))
    ), 256)) end
{%- endmacro %}

{#- The 64-byte key, zero-padded, each byte XOR `pad` (0x36 inner, 0x5c outer). -#}
{% macro _spark_hmac_pad(key_hex, pad) -%}
    unhex(concat_ws('', transform(sequence(0, 63), i -> lpad(hex(cast(conv(substr({{ key_hex }}, 2 * i + 1, 2), 16, 10) as int) ^ {{ pad }}), 2, '0'))))
{%- endmacro %}
