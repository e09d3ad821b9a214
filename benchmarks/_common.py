"""Helpers shared by the benchmark scripts: markdown tables (no tabulate dependency) and progress logging."""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

#: ../shared/evaldata beside the checkout (PROVENANCE.md there gives sources, licences and formats).
EVALDATA = Path(__file__).resolve().parents[2] / "shared" / "evaldata"


def model_folder(model: str | None) -> Path:
    """The local folder of ``model`` (default: the app's default resolution, i.e. the demo model offline), so a
    benchmark can give each backend a fresh cache folder without losing the model."""
    from harrier_explorer.backend.resolve import resolve_model
    from harrier_explorer.settings import load_settings

    settings = load_settings(**({"model": model} if model else {}))
    return resolve_model(settings.model, settings.cache_path).folder


def mode_settings(mode: str) -> dict:
    """A benchmark's ``--modes`` entry as settings: a dtype (float32, bfloat16, int8), or ``onnx`` (fp32 with the
    transformer run by ONNX Runtime); the others run on torch."""
    return {"dtype": "float32", "runtime": "onnx"} if mode == "onnx" else {"dtype": mode, "runtime": "torch"}


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def markdown_table(df: pd.DataFrame, floatfmt: str = ".4f") -> str:
    """A GitHub markdown table of `df` (index dropped), floats formatted with `floatfmt`."""
    cells = [[format(v, floatfmt) if isinstance(v, float) else str(v) for v in row] for row in df.itertuples(False)]
    lines = ["| " + " | ".join(map(str, df.columns)) + " |", "|" + "---|" * len(df.columns)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in cells])


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def progress(what: str, every: int = 64) -> Callable[[int, int], None]:
    """An encode progress callback that logs to stderr every `every` texts and at the end."""

    def report(done: int, total: int) -> None:
        if done == total or done % every == 0:
            log(f"  {what}: {done}/{total}")

    return report


def xquad(n: int, folder: Path, query_lang: str = "de", corpus_langs: tuple[str, ...] = ("en",),
          max_docs: int | None = None) -> dict[str, pd.DataFrame]:
    """``n`` XQuAD questions in ``query_lang`` (sampled with seed 0) against the paragraphs in ``corpus_langs`` (the
    first ``max_docs`` in that order), as the tables a user would upload (also written to ``folder`` as queries.tsv,
    corpus.tsv, qrels.tsv). A question's relevant documents are its paragraph in every corpus language kept: a
    translation of the answer answers it too."""
    data = EVALDATA / "retrieval" / "xquad"
    paragraphs = {lang: [d for d in read_jsonl(data / "corpus.jsonl") if d["lang"] == lang] for lang in corpus_langs}
    corpus = [d for lang in corpus_langs for d in paragraphs[lang]][:max_docs]
    kept = {d["_id"] for d in corpus}
    questions = {q["_id"]: q["text"] for q in read_jsonl(data / "queries.jsonl")}
    pid_of = dict(line.rstrip("\n").split("\t") for line in (data / "qrels_langagnostic.tsv").open()
                  if not line.startswith("qid\t"))
    qids = random.Random(0).sample(sorted(pid_of), n)
    ids = [f"{query_lang}-{q}" for q in qids]
    qrels = [(i, f"{lang}-{pid_of[q]}") for q, i in zip(qids, ids) for lang in corpus_langs
             if f"{lang}-{pid_of[q]}" in kept]
    files = {"queries": pd.DataFrame({"id": ids, "text": [questions[i] for i in ids]}),
             "corpus": pd.DataFrame({"id": [d["_id"] for d in corpus], "text": [one_line(d["text"]) for d in corpus]}),
             "qrels": pd.DataFrame(qrels, columns=["query_id", "doc_id"])}
    for name, frame in files.items():
        write_tsv(frame, folder / f"{name}.tsv")
    return files


def write_tsv(frame: pd.DataFrame, path: Path | str) -> None:
    """``frame`` as a TSV the way the app reads one: no quoting (a quote is text), so tabs and line breaks inside a
    field become spaces."""
    rows = [frame.columns.tolist(), *frame.astype(str).to_numpy().tolist()]
    Path(path).write_text("".join("\t".join(map(one_line, row)) + "\n" for row in rows), encoding="utf-8")


def one_line(text: str) -> str:
    """``text`` as a TSV field the app reads back unchanged: tabs and line breaks as spaces, no outer spaces."""
    return re.sub(r"[\t\r\n]", " ", text).strip()
