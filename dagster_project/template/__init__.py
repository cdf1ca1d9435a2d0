"""The scorecard template (考核细则) as data: load, validate, and write it to the warehouse.

A template version is a folder ``seeds/templates/<version>/`` of CSV files (one per section,
listed in :data:`SECTIONS`). Adding a version is adding a folder; nothing in the code
changes. Every rule a template must satisfy is checked here before anything is scored; a
broken template raises :class:`TemplateError`, whose message names the file, the row (as a
spreadsheet counts it: the header is row 1) and the field of every problem.

The validated rows are written to ``reference.template_<section>`` tables (all versions,
with a ``template_version`` column), which the dbt scoring models read as sources.

Modules: ``schema`` (sections, fields, vocabularies), ``parsing`` (CSV rows and problems),
``validation`` (the rules, :func:`load_templates`), ``warehouse`` (:func:`write_templates`).
"""

from dagster_project.template.parsing import TemplateError, TemplateVersion
from dagster_project.template.schema import ENTITY_LEVELS, SECTIONS
from dagster_project.template.validation import load_templates
from dagster_project.template.warehouse import write_templates

__all__ = [
    "ENTITY_LEVELS",
    "SECTIONS",
    "TemplateError",
    "TemplateVersion",
    "load_templates",
    "write_templates",
]
