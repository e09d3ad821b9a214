"""Handlers of the Instruction lab: propose wordings, score them all with honest statistics, ablate the base
instruction word by word, and search for a better wording on a train split (layout in layout.py; the
per-query view of the word ablation in word_view.py).

Every variant embeds the same queries (role query); the corpus is embedded once, bare. The embedding cache makes a
repeat of any wording free, so the search re-scores nothing it has seen and the held-out scores cost no new forward.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from harrier_explorer.analysis.instruction_lab import (
    HeldOut,
    LabScores,
    embedding_shift,
    greedy_search,
    held_out,
    score_variants,
    split_queries,
)
from harrier_explorer.analysis.instruction_sweep import OVERLAP, sweep_instructions
from harrier_explorer.analysis.instruction_variants import rewrites, word_ablations
from harrier_explorer.analysis.metrics import Qrels
from harrier_explorer.analysis.significance import paired_test
from harrier_explorer.backend.core import Backend, EncodeResult
from harrier_explorer.errors import HarrierError, InputError
from harrier_explorer.models import NO_INSTRUCTION
from harrier_explorer.ui.ab.handlers import MAX_SWEEP
from harrier_explorer.ui.common import (
    INSTRUCTION_FORMS,
    export_table,
    instruction_value,
    markdown_text,
    progress_to,
    whole_number,
)
from harrier_explorer.ui.lab import plots, present, report
from harrier_explorer.ui.lab.word_view import LabRun
from harrier_explorer.ui.ranking_data import (
    RankingData,
    RankingInputs,
    corpus_vectors,
    load_ranking_data,
)
from harrier_explorer.workflows.model_b import instruction_for, model_b_ref

#: Most words of a base instruction the ablation drops one by one (each is one more embedding of every query).
MAX_ABLATION_WORDS = 30
#: Most rounds of the wording search.
MAX_ROUNDS = 5
BASE = "base instruction"
BASELINE_CHOICES = (NO_INSTRUCTION, BASE)
LABELS_FROM_ROWS_DOC = ("parallel data as labels: query i's relevant document is document i (e.g. a sentence and "
                        "its translation, one language as queries and the other as the corpus); needs as many "
                        "queries as documents")


@dataclass(frozen=True)
class LabSettings(RankingData):
    """What every lab action takes besides its own fields: the data, how to label it, what to score, the split."""

    labels_from_rows: bool = field(default=False, metadata={"doc": LABELS_FROM_ROWS_DOC})
    metric: str = field(default="ndcg", metadata={
        "doc": "with labels: 'ndcg' (nDCG@10), 'mrr' (MRR@10) or 'recall' (Recall@k); without labels the lab scores "
               "overlap@k with the baseline's ranking"})
    held_out: float = field(default=0.3, metadata={
        "doc": "share of the labelled queries held out (0 for none): the best wording is picked on the rest and "
               "scored on these"})
    seed: int = field(default=0, metadata={"doc": "seed of the held-out split, the bootstrap and the tests"})
    domain: str = field(default="", metadata={"doc": "words naming your domain for the 'add the domain' rewrite"})


@dataclass(frozen=True)
class ProposeRequest:
    base_instruction: str = field(default="", metadata={"doc": f"the wording to vary, {INSTRUCTION_FORMS}"})
    domain: str = field(default="", metadata={"doc": "words naming your domain for the 'add the domain' rewrite"})


@dataclass(frozen=True)
class ProposeResult:
    variants: str  # one instruction per line: (none), the base, the family's presets of its kind, the rewrites


@dataclass(frozen=True)
class LabRequest(LabSettings):
    base_instruction: str = field(default="", metadata={"doc": f"the base wording, {INSTRUCTION_FORMS}"})
    variants: str = field(default="", metadata={
        "doc": f"the wordings to compare, one per line (at most {MAX_SWEEP}; '(none)' = no instruction); empty: "
               "the base, (none) and the proposals of /lab_propose"})
    baseline: str = field(default=NO_INSTRUCTION, metadata={
        "doc": f"what every wording is tested against: '{NO_INSTRUCTION}' or '{BASE}'"})
    ablate_words: bool = field(default=True, metadata={
        "doc": f"drop each word of the base instruction in turn (at most {MAX_ABLATION_WORDS} words) and measure "
               "the change in the metric and in the query embeddings"})
    model_b: str = field(default="", metadata={
        "doc": "model B (the page's 'Compare with model B'): a Hugging Face id, folder, http(s)://…/v1 server or a "
               "?dim= / ?dtype= variant; empty: model A alone. Model B scores the same wordings (its own family's "
               "preset where a wording is one of model A's presets) on the same queries and corpus"})


@dataclass(frozen=True)
class LabResult:
    run: LabRun
    summary: str  # Markdown: what was embedded and the notes
    verdict: str  # Markdown: spread across wordings, which differ significantly, the held-out check
    variants: pd.DataFrame  # one row per wording: origin, metric with interval, tests, embedding shift
    gain_vs_shift: object  # plotly figure
    words: list  # HighlightedText: (word, Δmetric scaled to [-1, 1])
    word_table: pd.DataFrame  # per word: Δmetric, Δembedding
    variants_csv: str
    report_html: str
    # Model B (empty without one): its verdict and its table of the same wordings.
    model_b_verdict: str = ""
    model_b_table: pd.DataFrame | None = None


@dataclass(frozen=True)
class SearchRequest(LabSettings):
    start: str = field(default="", metadata={"doc": f"the wording to start from, {INSTRUCTION_FORMS}"})
    rounds: int = field(default=3, metadata={"doc": f"rounds of rewriting (1 to {MAX_ROUNDS})"})


@dataclass(frozen=True)
class SearchResult:
    summary: str  # Markdown: the wording found, its train score and its score on the held-out queries
    steps: pd.DataFrame  # one row per round kept


@dataclass(frozen=True)
class _Scored:
    """The lab's data loaded, labelled and embedded under the no-instruction reference."""

    data: RankingInputs
    qrels: Qrels | None
    docs_encoded: EncodeResult
    none_vectors: np.ndarray
    metric: str
    notes: list[str]


def propose(backend: Backend, request: ProposeRequest, progress=None) -> ProposeResult:
    """The wordings worth comparing with a base instruction: no instruction, the base, the model family's presets
    of the same kind, and the rule-based rewrites (drop a clause, swap the verb or noun, reorder, shorten, add the
    domain, a typo, a full stop). Edit the list before running the lab."""
    base = _task(backend, request.base_instruction)
    lines = [NO_INSTRUCTION, base, *_related_presets(backend, base),
             *(v.text for v in rewrites(base, request.domain or ""))]
    return ProposeResult("\n".join(dict.fromkeys(lines)))


def run_lab(backend: Backend, request: LabRequest, progress) -> LabResult:
    """Score every wording on the same queries: the metric's mean with a 95% bootstrap interval, paired tests against
    the baseline and against the best (Holm-adjusted), how far each moves the query embeddings from no instruction,
    the spread across wordings, the best wording checked on held-out queries, and which words of the base matter."""
    base = _task(backend, request.base_instruction)
    lines = _variant_lines(backend, request, base)
    baseline = base if request.baseline == BASE else NO_INSTRUCTION
    lines = list(dict.fromkeys([baseline, *lines]))
    scored = _prepare(backend, request, progress)
    vectors = {line: _queries(backend, scored, line, progress, f"Wording {n}/{len(lines)}")
               for n, line in enumerate(lines, start=1)}
    values = _values(scored, vectors, vectors[baseline])
    shifts = pd.Series({line: embedding_shift(v, scored.none_vectors) for line, v in vectors.items()})
    scores = score_variants(values, shifts, baseline, seed=_seed(request))
    b_verdict, b_table, b_scores = "", None, None
    if ref_b := model_b_ref(backend, request.model_b):
        b_verdict, b_table, b_scores = _model_b(backend, ref_b, scored, lines, baseline, request, progress)
    split = _held_out(scored, values, baseline, request)
    ablation = (_ablation(backend, scored, base, vectors, vectors[baseline], progress) if request.ablate_words
                else None)
    words = ablation[0] if ablation else None
    origins = present.origins(lines, base, backend.spec.presets, rewrites(base, request.domain or ""))
    table = present.variants_table(scores, origins, scored.metric)
    summary = present.summary(scored.data, len(lines), scores.n_queries, scored.notes)
    verdict = present.verdict(scores, split, scored.metric, bool(scored.qrels))
    figure = plots.gain_vs_shift(scores, origins, scored.metric, b_scores)
    prompts = {line: backend.prompt(instruction_value(line), "query") for line in lines}
    run = LabRun(scored.docs_encoded, scored.data, scored.qrels)
    if ablation:
        run = replace(run, base_vectors=ablation[1], words=tuple(words.word),
                      without_word=tuple(ablation[2][f"{i}"] for i in range(len(words))))
    return LabResult(run, summary, verdict, table, figure,
                     present.highlighted_words(words),
                     present.word_table(words, scored.metric), export_table(table, "instruction_lab.csv"),
                     report.write(verdict, table, figure, words, prompts, summary, b_verdict, b_table), b_verdict,
                     b_table)


def run_search(backend: Backend, request: SearchRequest, progress) -> SearchResult:
    """Propose a better wording: rewrite the start with every rule, keep the best on the train queries, repeat for
    a few rounds; then score the start and the wording found on the held-out queries, which the search never saw."""
    rounds = whole_number(request.rounds, "rounds", 1, MAX_ROUNDS)
    start = _task(backend, request.start)
    scored = _prepare(backend, request, progress)
    if not scored.qrels:
        raise InputError("The search needs relevance labels (a qrels file, the table, or parallel data as labels): "
                         "without them there is nothing to improve.")
    labelled = _labelled_ids(scored)
    if not request.held_out:
        raise InputError("The search needs held-out queries (a share above 0) to check what it found.")
    train, test = split_queries(labelled, float(request.held_out), _seed(request))
    cache: dict[str, pd.Series] = {}

    def per_query(texts: list[str]) -> list[pd.Series]:
        todo = [t for t in texts if t not in cache]
        embedded = {t: _queries(backend, scored, t, progress, f"Trying {n}/{len(todo)}")
                    for n, t in enumerate(todo, start=1)}
        if embedded:
            cache.update(_values(scored, embedded, scored.none_vectors).T.to_dict("series"))
        return [cache[t] for t in texts]

    steps = greedy_search(start, lambda texts: [float(s[train].mean()) for s in per_query(texts)], rounds,
                          request.domain or "")
    first, last = per_query([steps[0].text, steps[-1].text])
    test_check = paired_test(first[test].to_numpy(float), last[test].to_numpy(float), seed=_seed(request))
    return SearchResult(present.search_summary(steps, test_check, len(train), len(test), scored.metric),
                        present.steps_table(steps, [float(s[test].mean()) for s in per_query(
                            [step.text for step in steps])], scored.metric))


# -- shared steps -------------------------------------------------------------------------------------------------
def _prepare(backend: Backend, request: LabSettings, progress) -> _Scored:
    data = load_ranking_data(backend, request)
    notes = list(data.notes)
    qrels = dict(data.qrels or {})
    if request.labels_from_rows:
        if len(data.queries.ids) != len(data.docs.ids):
            raise InputError(f"Parallel data as labels pairs query i with document i: {len(data.queries.ids)} "
                             f"queries and {len(data.docs.ids)} documents do not pair up.")
        for qid, did in zip(data.queries.ids, data.docs.ids, strict=True):
            qrels.setdefault(qid, {})[did] = max(1, qrels.get(qid, {}).get(did, 0))
        notes.append(f"Labels from the rows: query i's relevant document is document i ({len(data.queries.ids)} "
                     "pairs).")
    metric = request.metric if qrels else OVERLAP  # one of RETRIEVAL_METRICS (the component checks)
    docs = corpus_vectors(backend, getattr(request.previous, "docs_encoded", None), data.docs, progress)
    none = backend.encode(data.queries.texts, NO_INSTRUCTION, "query", progress_to(progress, "No instruction"))
    return _Scored(data, qrels or None, docs, none.vectors, metric, notes)


def _queries(backend: Backend, scored: _Scored, line: str, progress, what: str) -> np.ndarray:
    return backend.encode(scored.data.queries.texts, instruction_value(line), "query",
                          progress_to(progress, what)).vectors


def _model_b(backend: Backend, ref_b: str, scored: _Scored, lines: list[str], baseline: str, request: LabRequest,
             progress) -> tuple[str, pd.DataFrame | None, LabScores | None]:
    """Model B on the same wordings, queries and corpus: (its verdict, its table, its scores); a model B that cannot
    be used is named in the verdict and model A's results stand."""
    texts = scored.data.queries.texts
    try:
        docs = backend.encode(scored.data.docs.texts, None, "document", progress_to(progress, "Model B: corpus"),
                              model=ref_b).vectors
        given = {line: instruction_for(backend, instruction_value(line), "qa", ref_b) for line in lines}
        vectors = {line: backend.encode(texts, given[line], "query", progress_to(progress, f"Model B: wording {n}"),
                                        model=ref_b).vectors for n, line in enumerate(lines, start=1)}
        none = backend.encode(texts, NO_INSTRUCTION, "query", model=ref_b).vectors
    except HarrierError as exc:  # model B's own failure; anything else is a bug and keeps its traceback
        return f"**Model B ({markdown_text(ref_b)}) could not be used:** {markdown_text(str(exc))}", None, None
    values = _values(scored, vectors, vectors[baseline], docs)
    shifts = pd.Series({line: embedding_shift(v, none) for line, v in vectors.items()})
    scores = score_variants(values, shifts, baseline, seed=_seed(request))
    status = backend.slot(ref_b).status
    split = _held_out(scored, values, baseline, request)
    verdict = (f"#### Model B: {markdown_text(status.model_id)} ({status.dim} dims)\n\n"
               + present.verdict(scores, split, scored.metric, bool(scored.qrels)).replace("### ", "", 1))
    return verdict, present.model_b_table(scores, given, scored.metric), scores


def _values(scored: _Scored, vectors: dict[str, np.ndarray], reference: np.ndarray,
            docs: np.ndarray | None = None) -> pd.DataFrame:
    """Wording × query metric (against model A's corpus vectors unless ``docs``); without labels overlap@k with the
    ``reference`` ranking."""
    data, docs = scored.data, scored.docs_encoded.vectors if docs is None else docs
    if scored.qrels:
        k = min(10, len(data.docs.ids)) if scored.metric != "recall" else data.k
        return sweep_instructions(vectors, docs, data.queries.ids, data.docs.ids, qrels=scored.qrels,
                                  metric=scored.metric, k=k).values
    return sweep_instructions(vectors, docs, data.queries.ids, data.docs.ids, baseline=reference, metric=OVERLAP,
                              k=data.k).values


def _held_out(scored: _Scored, values: pd.DataFrame, baseline: str, request: LabRequest) -> HeldOut | None:
    """The held-out check, or None (with a note saying why) where the labelled queries are too few to split: the
    rest of the lab still answers."""
    if not scored.qrels or not request.held_out:
        return None
    try:
        train, test = split_queries(_labelled_ids(scored), float(request.held_out), _seed(request))
        return held_out(values, train, test, baseline, _seed(request))
    except InputError as exc:
        note = f"No held-out check: {exc}"
        if note not in scored.notes:
            scored.notes.append(note)
        return None


def _ablation(backend: Backend, scored: _Scored, base: str, vectors: dict[str, np.ndarray], reference: np.ndarray,
              progress) -> tuple[pd.DataFrame, np.ndarray, dict[str, np.ndarray]] | None:
    """Per word of the base: the metric and the query embeddings without it, against the whole base (without labels
    the metric is overlap with ``reference``'s ranking, as in the wordings' table)."""
    cuts = word_ablations(base)
    if not cuts or len(cuts) > MAX_ABLATION_WORDS or base == NO_INSTRUCTION:
        if len(cuts) > MAX_ABLATION_WORDS:
            scored.notes.append(f"The base has {len(cuts)} words; the word ablation stops at {MAX_ABLATION_WORDS}.")
        return None
    full = vectors.get(base)
    if full is None:
        full = _queries(backend, scored, base, progress, "Base instruction")
    cut_vectors = {f"{i}": _queries(backend, scored, text, progress, f"Without word {i + 1}/{len(cuts)}")
                   for i, _word, text in cuts}
    values = _values(scored, {"base": full, **cut_vectors}, reference)
    values = values.dropna(axis=1, how="any")
    base_mean = float(values.loc["base"].mean())
    table = pd.DataFrame({"word": [word for _i, word, _t in cuts],
                          "delta_metric": [float(values.loc[f"{i}"].mean()) - base_mean for i, _w, _t in cuts],
                          "delta_embedding": [embedding_shift(cut_vectors[f"{i}"], full) for i, _w, _t in cuts]})
    return table, full, cut_vectors


def _variant_lines(backend: Backend, request: LabRequest, base: str) -> list[str]:
    lines = [line.strip() for line in (request.variants or "").splitlines() if line.strip()]
    if not lines:
        lines = propose(backend, ProposeRequest(base, request.domain)).variants.splitlines()
    lines = list(dict.fromkeys(lines))
    if len(lines) > MAX_SWEEP:
        raise InputError(f"{len(lines)} wordings is more than {MAX_SWEEP} per run; shorten the list.")
    return lines


def _task(backend: Backend, value: str | None) -> str:
    """The task string of a preset name or label (the lab rewrites words, not names); '(none)' when empty."""
    value = instruction_value(value)
    return value if value == NO_INSTRUCTION else backend.spec.task_of(value)


def _related_presets(backend: Backend, base: str) -> list[str]:
    """The family's presets of the base's kind (the first word of its preset name, e.g. every "retrieval (…)"),
    and its retrieval and question-answering presets: the lab ranks documents for queries."""
    spec = backend.spec
    name = next((n for n, task in spec.presets.items() if task == base), spec.tasks.get("retrieval", ""))
    kind = name.split(" ")[0]
    related = [task for n, task in spec.presets.items() if kind and n.split(" ")[0] == kind]
    return [*related, *filter(None, (spec.preset("retrieval"), spec.preset("qa")))]


def _labelled_ids(scored: _Scored) -> list[str]:
    return [q for q in scored.data.queries.ids if any(g > 0 for g in (scored.qrels or {}).get(q, {}).values())]


def _seed(request: LabSettings) -> int:
    return whole_number(request.seed, "seed", 0, 2**32 - 1)

