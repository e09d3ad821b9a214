"""Cluster map handlers in-process over the tiny random decoder: example, chunking, queries, neighbours, exports,
bad input."""

from __future__ import annotations

import re
from pathlib import Path

import gradio as gr
import numpy as np
import pandas as pd
import pytest

from harrier_explorer.analysis.language_neutral import centre_by_language
from harrier_explorer.errors import InputError
from harrier_explorer.inputs.language import detect_languages
from harrier_explorer.ui.common import user_errors
from harrier_explorer.ui.forms import TextInput
from harrier_explorer.ui.map import build as map_build
from harrier_explorer.ui.map import fields as map_fields
from harrier_explorer.ui.map import layout, selection, views
from harrier_explorer.ui.map.build import MapRequest
from harrier_explorer.ui.map.export import NAME, export_root
from harrier_explorer.ui.map.views import ColourRequest, NeighboursRequest
from tests.helpers import plain

#: Four English and four German sentences, and one French one (a language with a single document).
MULTILINGUAL = "\n".join([
    "The football match ended in a draw.", "The weather is sunny today.", "The election results were announced.",
    "The team won the championship.", "Das Fußballspiel endete unentschieden.", "Das Wetter ist heute sonnig.",
    "Die Wahlergebnisse wurden bekannt gegeben.", "Die Mannschaft hat die Meisterschaft gewonnen.",
    "Le match de football s'est terminé par un match nul."])
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu"]
CLUSTERING = "Identify the category of documents"


def no_progress(*_args, **_kwargs):
    return None


def build(backend, paste="", files=None, **fields):
    request = MapRequest(documents=TextInput(paste=paste, files=files), **{"instruction": CLUSTERING, **fields})
    return map_build.run_map(backend, request, no_progress)


def selected_points(fig) -> list[str]:
    """The point numbers a figure shows selected (plotly's selectedpoints of every document trace)."""
    return sorted(row[0] for t in fig.data if t.customdata is not None and t.selectedpoints is not None
                  for row in t.customdata[list(t.selectedpoints)])


def exports() -> set:
    return set(export_root().glob(f"*/{NAME}")) if export_root().exists() else set()


@pytest.fixture
def backend(make_backend, tiny_gemma):
    return make_backend(tiny_gemma)


def test_example_map_with_labels_languages_queries_and_exports(backend):
    files, colour, queries, instruction = layout.load_example(backend)
    assert colour == "label"
    out = build(backend, files=files, colour_by=colour, queries=queries, query_instruction_b="find sports news",
                instruction=instruction)
    assert len(out.run.records) == 294 and "294 embedded" in out.summary
    assert {t.type for t in out.plot.data} == {"scatter"}  # a small map draws sooner in SVG than in WebGL
    assert [t.name for t in out.plot.data if t.name.startswith("queries")] == ["queries · A: (none)",
                                                                               "queries · B: find sports news"]
    assert set(out.agreement["grouping"]) == {"labels", "languages"}
    assert "Points group by" in out.reading
    assert out.keywords["size"].sum() == 294
    points = pd.read_csv(out.points_csv)
    assert list(points.columns) == ["point", "text", "x", "y", "cluster", "label", "language", "source"]
    assert set(points["language"]) == {"en", "de", "zh"} and set(points["source"]) == {"map_docs.jsonl"}
    with open(out.plot_html, encoding="utf-8") as f:
        html = f.read()
    assert "plotly" in html.lower() and len(html) > 1_000_000  # plotly.js inlined: works offline
    assert re.search(r'"scrollZoom":\s*true', html)  # the wheel zooms, as on the page
    for colour_by in views.COLOUR_BY:
        assert views.redraw(ColourRequest(out.run, colour_by)).plot.layout.legend.title.text == colour_by
    near = views.neighbours(NeighboursRequest(out.run, "label", point="3"))
    assert near.picked.startswith("**Point #3**") and len(near.neighbours) == 10
    assert 3 not in set(near.neighbours["point"])
    assert any(t.name == "point #3" for t in near.plot.data)
    links = next(t for t in near.plot.data if t.name == "to the neighbours")  # a line from #3 to each neighbour
    coords = out.run.coords
    assert [(x, y) for x, y in zip(links.x, links.y, strict=True) if x is not None][1::2] == [
        tuple(coords[i]) for i in near.neighbours["point"]]
    names = [note for note in out.plot.layout.annotations if note.name == "cluster names"]  # where each cluster lies
    tops = dict(zip(out.keywords["cluster"], out.keywords["top term per language"], strict=True))
    assert sorted(note.text for note in names) == sorted(
        f"{c.removeprefix('cluster ')}: {tops[c]}" for c in tops if tops[c] != "–")
    for note in names:
        members = out.run.clustering.labels == int(note.text.split(":")[0])
        assert any(np.allclose((note.x, note.y), point) for point in coords[members])  # on one of the cluster's points
    assert "goals" in views.neighbours(NeighboursRequest(out.run, point="goals")).picked.lower()


def test_each_map_keeps_only_its_latest_html_export(backend):
    before = exports()
    first = build(backend, paste="red\ngreen\nblue\nyellow")
    for colour_by in ("label", "language", "cluster"):
        latest = views.redraw(ColourRequest(first.run, colour_by)).plot_html
    latest = views.neighbours(NeighboursRequest(first.run, point="1")).plot_html
    assert exports() - before == {Path(latest)}
    second = build(backend, paste="red\ngreen\nblue\nyellow", previous=first.run)  # the session's next map
    assert exports() - before == {Path(second.plot_html)}
    second.run.export.discard()  # what the session state's delete callback does when the session ends
    assert exports() == before


def test_chunking_3d_hdbscan_and_reuse(backend):
    long_doc = " ".join(f"Sentence {w} talks about {w} things." for w in WORDS)
    paste = f"{long_doc}\nshort one\nanother short one\na third short text"
    chunked = dict(paste=paste, long_docs=map_build.LONG_DOCS[1], chunk_tokens=32, overlap_tokens=8)
    out = build(backend, **chunked, dims=3, cluster_method="HDBSCAN", min_cluster_size=50)
    assert len(out.run.records) > 4 and "chunks of at most 32 tokens" in plain(out.summary)
    assert "min cluster size lowered" in plain(out.summary)
    assert out.plot.data[0].type == "scatter3d" and out.run.coords.shape[1] == 3
    again = build(backend, **chunked, method="PCA", previous=out.run)
    assert f"{len(out.run.records)} from cache" in again.summary


def test_small_sets_adapt_and_say_so(backend):
    out = build(backend, paste="one\ntwo\nthree\nfour", k=9)
    assert "n_neighbors lowered" in plain(out.summary) and "KMeans k lowered from 9 to 4" in plain(out.summary)


def test_the_layout_reports_umap_s_epochs_on_the_progress_bar(backend):
    seen: list[tuple[float, str]] = []
    request = MapRequest(documents=TextInput(paste="\n".join(WORDS)), instruction=CLUSTERING)
    map_build.run_map(backend, request, lambda fraction, desc="", **_: seen.append((fraction, desc)))
    epochs = [(fraction, desc) for fraction, desc in seen if "epoch" in desc]
    assert epochs and epochs[-1][1] == "Laying out: epoch 500 of 500"  # UMAP's own count below 2,000 points
    assert all(0.85 <= fraction <= 0.9 for fraction, _ in epochs)
    assert [fraction for fraction, _ in epochs] == sorted(fraction for fraction, _ in epochs)


def test_user_text_is_escaped_in_markdown_and_in_the_figure(backend):
    tag = "<b>bold</b> [link](http://example.com)"
    out = build(backend, paste=f"{tag}\ntwo\nthree", instruction=tag, queries="q", query_instruction_a=tag)
    assert "<b>" not in out.summary and r"\[link\]\(http\:" in out.summary
    hover = [str(row[2]) for trace in out.plot.data if trace.customdata is not None for row in trace.customdata]
    assert "&lt;b&gt;bold&lt;/b&gt; [link](http://example.com)" in hover
    assert all("<b>" not in (trace.name or "") for trace in out.plot.data)
    assert "<b>" not in views.neighbours(NeighboursRequest(out.run, point="0")).picked


@pytest.mark.parametrize("paste, message", [("", "Documents is empty"), ("just one document", "at least 3"),
                                            ("one\ntwo", "at least 3")])
def test_too_few_documents_is_a_clear_message(backend, paste, message):
    with pytest.raises(gr.Error, match=message):
        user_errors(build)(backend, paste=paste)


@pytest.mark.parametrize("fields, message", [
    ({"seed": -1}, "seed must be from 0 to 4294967295, got -1"),  # numpy's range: once an opaque internal error
    ({"seed": 1.5}, "seed must be a whole number"),
    ({"k": -2}, "KMeans k must be at least 0"),
    ({"dims": 4}, "dimensions must be from 2 to 3"),
    ({"n_neighbors": 1}, "UMAP n_neighbors must be at least 2"),
    ({"min_cluster_size": 1}, "HDBSCAN min cluster size must be at least 2"),
])
def test_numbers_out_of_range_are_named_in_the_message(backend, fields, message):
    with pytest.raises(gr.Error, match=message):
        user_errors(build)(backend, paste="one\ntwo\nthree", **fields)


def test_neighbours_need_a_map_and_a_valid_point(backend):
    with pytest.raises(gr.Error, match="No map in this session yet"):
        user_errors(views.neighbours)(NeighboursRequest(None, point="1"))
    with pytest.raises(gr.Error, match="No map in this session yet"):
        user_errors(views.redraw)(ColourRequest(None, "label"))
    run = build(backend, paste="red\ngreen\nblue\nyellow").run
    with pytest.raises(gr.Error, match="no point 99"):
        user_errors(views.neighbours)(NeighboursRequest(run, point="99"))
    with pytest.raises(gr.Error, match="No point has a text containing"):
        user_errors(views.neighbours)(NeighboursRequest(run, point="purple"))


def test_model_b_maps_the_same_chunks_aligned_coloured_alike_and_linked(backend, tiny_gemma):
    ref_b = f"{tiny_gemma}?dim=16"
    paste = "\n".join(f"{w} is a letter of the Greek alphabet, number {n}" for n, w in enumerate(WORDS))
    out = build(backend, paste=paste, model_b=ref_b, queries="first letter", dims=2)
    b = out.run.b
    assert b.ref == ref_b and b.encoded.vectors.shape == (len(WORDS), 16)
    assert b.encoded.prompts == out.run.encoded.prompts  # the same strings (same instruction, same records)
    assert "16 dims" in out.model_b_status and "Procrustes" in out.model_b_status
    assert b.coords.shape == out.run.coords.shape and len(b.queries) == 1
    # B's map is turned onto A's frame: its centre is A's.
    np.testing.assert_allclose(b.coords.mean(axis=0), out.run.coords.mean(axis=0), atol=1e-4)
    jaccard = out.changes["Jaccard"].tolist()
    assert jaccard == sorted(jaccard) and len(jaccard) == len(WORDS)
    assert np.array_equal(out.changes["point"], b.change.most_changed())
    assert [t.name for t in out.plot_b.data if t.customdata is not None] == [
        t.name for t in out.plot.data if t.customdata is not None]  # the same groups and colours in both maps

    recoloured = views.redraw(ColourRequest(out.run, views.JACCARD))
    for fig in (recoloured.plot, recoloured.plot_b):
        by_point = sorted(zip((int(row[0]) for row in fig.data[0].customdata), fig.data[0].marker.color))
        assert [value for _, value in by_point] == pytest.approx(b.change.jaccard.tolist())
    near = views.neighbours(NeighboursRequest(out.run, point="4"))
    assert {t.name for t in near.plot.data} >= {"point #4"} and {t.name for t in near.plot_b.data} >= {"point #4"}
    assert f"(Jaccard {b.change.jaccard[4]:.2f})" in near.picked
    picked = selection.select(selection.SelectRequest(out.run, "cluster", points="1,5"))
    for fig in (picked.plot, picked.plot_b):
        assert selected_points(fig) == ["1", "5"]
    assert picked.table["point"].tolist() == [1, 5] and "**2** points selected" in picked.summary
    again = build(backend, paste=paste, model_b=ref_b, previous=out.run)
    assert f"{len(WORDS)} from cache" in again.model_b_status  # B's vectors reused too


def test_a_model_b_that_fails_leaves_model_a_s_map(backend, tmp_path):
    out = build(backend, paste="red\ngreen\nblue\nyellow", model_b=str(tmp_path / "no-such-model"))
    assert out.run.b is None and out.plot_b is None and out.changes is None
    assert "could not be used" in out.model_b_status and "Model A's map is shown alone" in out.model_b_status
    assert out.plot.data and "4 texts" in out.summary


def test_the_language_neutral_view_lays_out_and_clusters_the_centred_vectors(backend):
    neutral = build(backend, paste=MULTILINGUAL, queries="football", method="PCA")
    run = neutral.run
    assert run.languages == ("en",) * 4 + ("de",) * 4 + ("fr",)
    np.testing.assert_allclose(run.vectors, centre_by_language(run.encoded.vectors, run.languages), atol=1e-6)
    assert "fr has a single document, centred on the mean of the language means" in plain(neutral.summary)
    assert list(neutral.agreement["vectors"]) == ["raw", "language-neutral"]  # languages: the before / after rows
    assert "Raw embeddings:" not in neutral.reading  # no labels: no topic-or-language sentence …
    assert "V-measure against languages" in neutral.reading  # … but the clusters against the languages, both ways
    assert "language-neutral" in neutral.plot.layout.title.text
    assert neutral.k_curve.data[0].x == tuple(sorted(run.clustering.silhouette_by_k))  # k chosen: its curve

    raw = build(backend, paste=MULTILINGUAL, queries="football", method="PCA", language_neutral=False,
                previous=run)
    assert raw.run.vectors is raw.run.encoded.vectors and "vectors" not in raw.agreement.columns
    assert not np.allclose(raw.run.coords, run.coords)  # the toggle changed what was laid out
    assert not np.allclose(raw.run.queries[0].coords, run.queries[0].coords)  # and where the query lands


def test_the_language_neutral_view_has_no_effect_on_one_language_and_says_so(backend):
    english = "\n".join(MULTILINGUAL.splitlines()[:4])
    out = build(backend, paste=english, k=2)
    assert out.run.vectors is out.run.encoded.vectors
    assert "Language-neutral view: no effect, every document is in one language (en)." in plain(out.summary)
    assert out.k_curve is None  # k given: no curve


def test_find_selects_by_words_by_meaning_and_by_filters_and_lists_the_points(backend, monkeypatch):
    out = build(backend, paste=MULTILINGUAL, method="PCA")
    run = out.run
    choices = map_fields.filter_choices(run)
    assert {"language: de", "language: en", "language: fr", "source file: paste"} <= set(choices)

    def find(**fields):
        return selection.find(backend, selection.FindRequest(run, "cluster", **fields))

    texts = map_fields.page_texts(run)  # what the page matches typed words in: the texts, lowercased
    assert texts == [t.lower() for t in run.texts] and "the football match ended in a draw." in texts
    words = find(find="FOOTBALL draw")  # case-insensitive, every word (the French text has "football match")
    assert words.table["point"].tolist() == [0] and "**1** of 9 points" in words.summary
    assert selected_points(words.plot) == ["0"] and words.plot_b is None
    rows = pd.read_csv(words.csv)
    assert rows["text"].tolist() == ["The football match ended in a draw."] and {"x", "y", "cluster"} <= set(rows)
    assert "x" not in words.table.columns  # coordinates only in the CSV

    german = find(only=["language: de"])
    assert german.table["point"].tolist() == [4, 5, 6, 7] and "language de" in plain(german.summary)
    for redrawn in (views.redraw(ColourRequest(run, "language", only=["language: de"])),
                    views.neighbours(NeighboursRequest(run, "cluster", only=["language: de"], point="0"))):
        assert selected_points(redrawn.plot) == ["4", "5", "6", "7"]  # a redraw keeps the filters' fading
    both = find(find="die", only=["language: de", "language: fr"])  # values of one field are alternatives
    assert both.table["point"].tolist() == [6, 7]

    meaning = find(find="Fußball", match="meaning", k=3, instruction="Retrieve relevant passages")
    query = backend.encode(["Fußball"], "Retrieve relevant passages", "query").vectors[0]
    lang = detect_languages(["Fußball"])[0]  # centred like the documents: minus its language's mean
    expected = np.argsort(-(run.vectors @ (query - run.centring.means.get(lang, run.centring.fallback))),
                          kind="stable")[:3]
    assert meaning.table["point"].tolist() == expected.tolist()
    assert meaning.table["cosine"].is_monotonic_decreasing and "the 3 closest in meaning" in meaning.summary
    only_en = find(find="Fußball", match="meaning", k=3, only=["language: en"])
    assert set(only_en.table["point"]) <= {0, 1, 2, 3} and len(only_en.table) == 3

    none = find(find="no such words")
    assert "No point matches" in none.summary and none.csv is None and selected_points(none.plot) == []
    cleared = find()
    assert cleared.summary == "Selection cleared." and cleared.table.empty
    for bad, message in ((dict(only=["colour: red"]), "field: value"), (dict(match="regex"), "match must be"),
                         (dict(find="x", match="meaning", k=0), "k")):
        with pytest.raises(InputError, match=message):
            find(**bad)
    with pytest.raises(InputError, match="No map in this session"):
        selection.find(backend, selection.FindRequest(None, "cluster", find="x"))
    monkeypatch.setattr(map_fields, "PAGE_TEXT_CHARS", sum(map(len, run.texts)) - 1)
    assert map_fields.page_texts(run) is None  # too much text to ship: the server alone matches, on Select


def test_vectors_from_the_clis_parquet_are_mapped_without_embedding(backend, tmp_path):
    from harrier_explorer.embed_file import embed_file

    source = tmp_path / "docs.txt"
    source.write_text(MULTILINGUAL, encoding="utf-8")
    parquet = embed_file(backend, source, tmp_path / "docs.parquet", instruction=CLUSTERING, role="symmetric")
    written = np.stack(pd.read_parquet(parquet)["vector"].to_numpy())
    misses = backend.cache_stats().misses
    out = build(backend, vectors=str(parquet), method="PCA", queries="football")
    assert backend.cache_stats().misses == misses + 1  # only the query was embedded
    np.testing.assert_allclose(out.run.encoded.vectors, written, rtol=1e-6)
    assert out.run.texts == MULTILINGUAL.splitlines() and out.run.vectors_from == "docs.parquet"
    assert plain(out.summary).startswith("**Documents** (vectors from docs.parquet, not embedded here): 9 texts, 64 ")
    assert "Queries are embedded by model A" in plain(out.summary) and len(out.run.queries) == 1

    found = selection.find(backend, selection.FindRequest(out.run, "cluster", find="Wetter", match="meaning", k=2))
    assert len(found.table) == 2  # same dimensions as model A: a query can be compared


def test_a_npy_needs_its_documents_row_for_row_and_other_dimensions_take_no_query(backend, tmp_path):
    texts = MULTILINGUAL.splitlines()
    npy = tmp_path / "mine.npy"
    np.save(npy, np.random.default_rng(0).normal(size=(len(texts), 5)))
    out = build(backend, vectors=str(npy), paste=MULTILINGUAL, method="PCA", queries="football")
    assert out.run.texts == texts and out.run.encoded.vectors.shape == (9, 5)
    assert "Queries not placed: the uploaded vectors have 5 dimensions" in plain(out.summary)
    assert "mine.npy: vectors L2-normalised" in plain(out.summary) and out.run.queries == ()
    # Raw texts make the same strings as the file's rows: still, its vectors are never taken for model A's.
    again = build(backend, method="PCA", paste=MULTILINGUAL, instruction="(raw text)", previous=out.run)
    assert again.run.encoded.vectors.shape == (9, 64)
    with pytest.raises(InputError, match="have 5 dimensions and model A's"):
        selection.find(backend, selection.FindRequest(out.run, "cluster", find="rain", match="meaning"))
    assert selection.find(backend, selection.FindRequest(out.run, "cluster", find="Wetter")).table["point"].tolist() \
        == [5]  # words still work
    for fields, message in ((dict(paste=""), "holds vectors only: give their documents too"),
                            (dict(paste="\n".join(texts[:-1])), "has 9 vectors but the documents are 8 texts"),
                            (dict(paste=MULTILINGUAL, long_docs=map_build.LONG_DOCS[1]), "Token chunks are embedded")):
        with pytest.raises(InputError, match=message):
            build(backend, vectors=str(npy), **fields)


@pytest.mark.parametrize(("blobs", "says"), [(16, True), (4, False)])
def test_a_k_chosen_at_the_top_of_the_range_says_that_more_may_fit(backend, tmp_path, blobs, says):
    rng = np.random.default_rng(0)
    vectors = np.repeat(np.eye(blobs, 24), 5, axis=0) + rng.normal(scale=0.01, size=(5 * blobs, 24))
    npy = tmp_path / "blobs.npy"
    np.save(npy, vectors)
    out = build(backend, vectors=str(npy), paste="\n".join(f"text {i}" for i in range(len(vectors))), method="PCA",
                language_neutral=False)
    assert ("the largest k it tries: the silhouette may rise further" in plain(out.summary)) is says
    assert ("(the largest tried)" in out.k_curve.layout.annotations[0].text) is says
