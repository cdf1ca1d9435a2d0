"""The scorecard template as Dagster assets: validated seed folders → ``reference.template_*``.

One multi-asset writes every section table at once: the template is validated as a whole,
so either every section is replaced or none is.
"""

import dagster as dg

from dagster_project.keys import OWNERS
from dagster_project.resources import WAREHOUSE_WRITER_POOL, TemplateFolder, Warehouse
from dagster_project.template import SECTIONS, load_templates, write_templates


def template_asset_key(section: str) -> dg.AssetKey:
    return dg.AssetKey(["reference", f"template_{section}"])


@dg.multi_asset(
    name="scorecard_template",
    group_name="reference",
    description="The scorecard template (考核细则): every version in the template folder "
    "(`seeds/templates/`), validated (weights add up to 100, methods and their parameters, "
    "ordered bands, a target for every indicator and level, grades, penalties, peer groups) and written to "
    "`reference.template_*`. A broken template fails here, so nothing is scored with it.",
    specs=[
        dg.AssetSpec(
            template_asset_key(section.name),
            description=f"Template section `{section.file_name}` of every version.",
            kinds={"duckdb", "csv"},
            owners=OWNERS,
            metadata={"dagster/table_name": f"reference.template_{section.name}"},
        )
        for section in SECTIONS
    ],
    pool=WAREHOUSE_WRITER_POOL,
)
def scorecard_template(context: dg.AssetExecutionContext, warehouse: Warehouse, templates: TemplateFolder):
    versions = load_templates(templates.root)
    with warehouse.connect() as con:
        counts = write_templates(con, versions, warehouse.tables)
    summary = "\n".join(
        f"- {tv.version}: effective from {tv.effective_from[:7]}, {tv.status}" for tv in versions.values()
    )
    context.log.info(f"template versions:\n{summary}")
    for section in SECTIONS:
        yield dg.MaterializeResult(
            asset_key=template_asset_key(section.name),
            metadata={
                "versions": dg.MetadataValue.md(summary),
                "dagster/row_count": dg.MetadataValue.int(counts[section.name]),
            },
        )
