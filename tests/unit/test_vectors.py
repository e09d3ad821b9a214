"""Reading vectors a user already has: the CLI's parquet and plain .npy, normalised, and every malformed file
refused with a message that names the file and what is wrong."""

import numpy as np
import pandas as pd
import pytest

from harrier_explorer.errors import InputError
from harrier_explorer.inputs.parsing import Columns
from harrier_explorer.inputs.vectors import load_vectors

MB = 10


def unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_a_parquet_like_the_clis_output_gives_vectors_and_records(tmp_path):
    vectors = unit(np.random.default_rng(0).normal(size=(4, 8))).astype(np.float32)
    path = tmp_path / "embedded.parquet"
    pd.DataFrame({"id": ["a", "b", "c", "d"], "text": ["one", "two", "drei", "vier"], "lang": ["en", "en", "de", "de"],
                  "prompt": ["one"] * 4, "n_tokens": [3] * 4, "truncated": [False] * 4,
                  "vector": list(vectors)}).to_parquet(path, index=False)
    loaded = load_vectors(path, max_file_mb=MB)
    np.testing.assert_allclose(loaded.matrix, vectors, rtol=1e-6)
    assert [r.text for r in loaded.records] == ["one", "two", "drei", "vier"]
    assert [r.id for r in loaded.records] == ["a", "b", "c", "d"] and loaded.records[2].lang == "de"
    assert loaded.records[0].source == "embedded.parquet" and loaded.notes == ()  # already unit length


def test_a_npy_matrix_is_normalised_and_says_so(tmp_path):
    path = tmp_path / "vectors.npy"
    raw = np.arange(1, 13, dtype=np.float64).reshape(4, 3)
    np.save(path, raw)
    loaded = load_vectors(path, max_file_mb=MB)
    np.testing.assert_allclose(loaded.matrix, raw / np.linalg.norm(raw, axis=1, keepdims=True), rtol=1e-6)
    assert loaded.matrix.dtype == np.float32 and loaded.records == ()
    assert loaded.notes == ("vectors.npy: vectors L2-normalised (cosine similarity).",)


def test_a_parquet_with_another_vector_name_and_a_chosen_text_column(tmp_path):
    path = tmp_path / "other.parquet"
    pd.DataFrame({"sentence_text": ["x", "y"], "embedding": [[1.0, 0.0], [0.0, 2.0]]}).to_parquet(path)
    loaded = load_vectors(path, max_file_mb=MB, columns=Columns(text="sentence_text"))
    assert [r.text for r in loaded.records] == ["x", "y"] and loaded.matrix.tolist() == [[1, 0], [0, 1]]
    assert load_vectors(path, max_file_mb=MB).records == ()  # no conventional text column: vectors only


def test_parquet_vectors_from_several_row_groups_and_fixed_size_lists_match_arrows_own_rows(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    raw = np.random.default_rng(1).normal(size=(10, 5)).astype(np.float32)
    for name, column in [("lists", pa.array(raw.tolist())),
                         ("fixed", pa.FixedSizeListArray.from_arrays(pa.array(raw.ravel()), 5)),
                         ("ints", pa.array((raw * 100).astype(np.int64).tolist()))]:
        path = tmp_path / f"{name}.parquet"
        pq.write_table(pa.table({"vector": column}), path, row_group_size=3)  # four chunks once read
        expected = np.array(pq.read_table(path).column("vector").to_pylist(), dtype=np.float64)
        np.testing.assert_allclose(load_vectors(path, max_file_mb=MB).matrix, unit(expected), rtol=1e-5)


@pytest.mark.parametrize("column, message", [
    ([[1.0, 2.0], None], "lists of numbers of one length"),
    ([[1.0, None], [1.0, 2.0]], "lists of numbers of one length"),
    ([["a", "b"], ["c", "d"]], "lists of numbers of one length"),
    ([], "has no rows"),
])
def test_parquet_vector_columns_with_gaps_words_or_no_rows_are_refused(tmp_path, column, message):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "v.parquet"
    pq.write_table(pa.table({"vector": pa.array(column, type=None if column else pa.list_(pa.float32()))}), path)
    with pytest.raises(InputError, match=message):
        load_vectors(path, max_file_mb=MB)


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, pd.DataFrame):
        content.to_parquet(path)
    else:
        np.save(path, content, allow_pickle=True)
    return path


@pytest.mark.parametrize("name, content, message", [
    ("v.csv", b"1,2\n3,4\n", "vectors are read from .npy or .parquet files, not .csv"),
    ("v.npy", b"\x00\x01junk" * 10, "v.npy is not a readable .npy array"),
    ("v.npy", np.array([{"a": 1}], dtype=object), "v.npy is not a readable .npy array"),  # pickled: never loaded
    ("v.npy", np.ones(5), "shape is (5,)"),
    ("v.npy", np.ones((3, 1)), "at least 2 dimensions"),
    ("v.npy", np.array([[1.0, np.nan], [1.0, 0.0]]), "1 vectors hold NaN or infinite values (the first is row 0)"),
    ("v.npy", np.array([[1.0, 0.0], [0.0, 0.0]]), "1 vectors are all zeros (the first is row 1)"),
    ("v.npy", np.array([[1 + 1j, 0], [0, 1]]), "must hold real numbers"),
    ("v.parquet", b"PAR1 not really", "v.parquet is not a readable parquet file"),
    ("v.parquet", pd.DataFrame({"text": ["a"], "score": [1.0]}), "v.parquet has no vector column"),
    ("v.parquet", pd.DataFrame({"vector": [[1.0, 2.0], [1.0]]}), "lists of numbers of one length"),
    ("v.parquet", pd.DataFrame({"text": ["a", " "], "vector": [[1.0, 0.0], [0.0, 1.0]]}),
     "1 rows have a blank text"),
    ("v.npy", b"", "v.npy is empty"),
])
def test_malformed_files_are_refused_by_name(tmp_path, name, content, message):
    path = write(tmp_path, name, content)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        load_vectors(path, max_file_mb=MB)


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.npy"
    np.save(path, np.ones((2000, 100)))
    with pytest.raises(InputError, match="above the limit of 1 MB"):
        load_vectors(path, max_file_mb=1)
