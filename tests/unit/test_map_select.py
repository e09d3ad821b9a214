"""The map's selection rules: words, filters and meaning, checked against plain Python loops and sorts."""

import numpy as np
import pytest

from harrier_explorer.analysis.map_select import closest, field_mask, word_mask
from harrier_explorer.errors import InputError

TEXTS = ["The Fox is red.", "Der Fuchs ist rot.", "红色的狐狸", "A red car.", "Foxes run."]


def test_word_mask_needs_every_word_case_insensitively_and_matches_inside_unspaced_text():
    assert word_mask(TEXTS, "fox").tolist() == [True, False, False, False, True]
    assert word_mask(TEXTS, "RED fox").tolist() == [True, False, False, False, False]
    assert word_mask(TEXTS, "狐狸").tolist() == [False, False, True, False, False]
    assert word_mask(TEXTS, "  ").all() and word_mask([], "fox").shape == (0,)


def test_field_mask_ors_values_within_a_field_and_ands_fields():
    fields = {"language": ["en", "de", "zh", "en", "en"], "cluster": ["c0", "c0", "c1", "c1", "c0"]}
    assert field_mask(fields, {}).all()
    assert field_mask(fields, {"language": {"de", "zh"}}).tolist() == [False, True, True, False, False]
    assert field_mask(fields, {"language": {"en"}, "cluster": {"c0"}}).tolist() == [True, False, False, False, True]
    assert field_mask(fields, {"language": set()}).all()  # an empty choice filters nothing
    with pytest.raises(InputError, match="Unknown filter field 'colour'"):
        field_mask(fields, {"colour": {"red"}})


def test_closest_is_the_best_k_by_cosine_among_the_allowed_rows():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(50, 8))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    query = vectors[3] + 0.1 * rng.normal(size=8)
    query /= np.linalg.norm(query)
    indices, scores = closest(vectors, query, 5)
    expected = sorted(range(50), key=lambda i: -float(vectors[i] @ query))[:5]
    assert indices.tolist() == expected and indices[0] == 3
    np.testing.assert_allclose(scores, [vectors[i] @ query for i in expected], rtol=1e-6)
    among = np.arange(50) % 2 == 0
    even, _ = closest(vectors, query, 5, among)
    assert even.tolist() == [i for i in sorted(range(0, 50, 2), key=lambda i: -float(vectors[i] @ query))][:5]
    few, _ = closest(vectors, query, 100, np.arange(50) < 3)  # k larger than what is allowed: all of it
    assert sorted(few.tolist()) == [0, 1, 2]
    nothing, none = closest(vectors, query, 5, np.zeros(50, dtype=bool))
    assert nothing.size == 0 and none.size == 0
