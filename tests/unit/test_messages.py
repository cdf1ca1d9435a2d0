"""What people read when a gate fails: the failing rows' keys, never pandas' NaN."""

from __future__ import annotations

import json

import pandas as pd

from dagster_project.quality.gx_runner import sample_keys


def test_a_missing_key_value_reads_null_not_nan() -> None:
    frame = pd.DataFrame(
        {"feed": ["leads", "teams", "clients"], "rejected_file_names": [None, "teams/x.csv", float("nan")]}
    )
    sample = sample_keys(frame, [0, 1, 2], ["feed", "rejected_file_names"])
    assert sample == [
        {"feed": "leads", "rejected_file_names": None},
        {"feed": "teams", "rejected_file_names": "teams/x.csv"},
        {"feed": "clients", "rejected_file_names": None},
    ]
    assert "NaN" not in json.dumps(sample) and "nan" not in json.dumps(sample)


def test_without_key_columns_there_is_no_sample() -> None:
    assert sample_keys(pd.DataFrame({"x": [1]}), [0], []) == []
