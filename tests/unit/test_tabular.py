"""Tabular files list their columns (for the UI's dropdowns) and keep every cell a string."""

from __future__ import annotations

from pathlib import Path

import pytest

from harrier_explorer.errors import InputError
from harrier_explorer.inputs.tabular import list_columns, read_rows


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_list_columns_offers_csv_columns_and_jsonl_fields(tmp_path):
    assert list_columns(write(tmp_path, "c.csv", "a,b,c\n1,2,3\n"), 5) == ["a", "b", "c"]
    jsonl = write(tmp_path, "d.jsonl", '{"x": 1}\n{"x": 2, "y": 3}\n')
    assert list_columns(jsonl, 5) == ["x", "y"]
    assert list_columns(write(tmp_path, "t.txt", "hi"), 5) == []


def test_cells_stay_strings_so_leading_zeros_survive(tmp_path):
    rows, columns, notes = read_rows(write(tmp_path, "ids.csv", "id,text\n007,x\n"), 5)
    assert rows == [{"id": "007", "text": "x"}]
    assert (columns, notes) == (["id", "text"], [])


def test_jsonl_line_that_is_not_an_object_names_the_line(tmp_path):
    with pytest.raises(InputError, match="Line 2 of d.jsonl is not a JSON object"):
        read_rows(write(tmp_path, "d.jsonl", '{"text": "a"}\n["text"]\n'), 5)


def test_messages_name_jsonl_objects_records_and_table_lines_rows():
    from harrier_explorer.inputs.tabular import row_label

    assert (row_label("d.JSONL", 3), row_label("c.csv", 3)) == ("Record 3 of d.JSONL", "Row 3 of c.csv")


@pytest.mark.parametrize(("name", "content"), [("t.tsv", "id\ttext\tlang\nd1\tHello there\ten\tstray\nd2\tHi\tfr\n"),
                                               ("c.csv", "a,b\n1,2,3\n4,5,6\n")])
def test_a_row_with_one_field_more_than_the_header_is_refused_not_taken_for_an_index(tmp_path, name, content):
    # pandas reads such a file with its first column as an index: every column would shift by one.
    with pytest.raises(InputError, match=f"Row 1 of {name} has [34] fields but the header names [23] columns"):
        read_rows(write(tmp_path, name, content), 5)
