"""The Instruction lab through the app's own API (gradio_client, named parameters), as a script author would:

1. XQuAD de → en and en → en (German or English questions, English paragraphs, labels): the wordings
   ``/lab_propose`` makes from the model's question-answering preset, scored by ``/lab_run`` with a held-out split
   and the word ablation;
2. XQuAD de → en: ``/lab_search`` from that preset, checked on the held-out questions;
3. FLORES / SIB-200 Swahili → English with **parallel data as labels** (sentence i's translation is its relevant
   document), from the model's bitext preset: a user without qrels still gets real metrics.

    .venv/bin/python -m benchmarks.instruction_lab [--model FOLDER] [--queries 120] [--langs de en] [--sentences 150]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd
from gradio_client import Client, handle_file

from benchmarks._common import EVALDATA, log, markdown_table, model_folder, read_jsonl, write_tsv, xquad
from harrier_explorer.backend.core import Backend
from harrier_explorer.settings import load_settings
from harrier_explorer.ui.build import build_app

#: Columns of /lab_run's table worth a README row.
SHOWN = ["#", "origin", "instruction", "95% low", "95% high", "p vs baseline (Holm)", "shift from no instruction"]


def _table(out: dict) -> pd.DataFrame:
    frame = pd.DataFrame(out["data"], columns=out["headers"])
    metric = frame.columns[3]
    return frame[[*SHOWN[:3], metric, *SHOWN[3:]]]


def _lab(client: Client, title: str, **kwargs) -> None:
    started = time.perf_counter()
    summary, verdict, table, _, _, word_table, _, _, _, _ = client.predict(**kwargs, api_name="/lab_run")
    log(f"{title}: {time.perf_counter() - started:.0f} s")
    print(f"### {title}\n\n{verdict}\n\n{summary}\n\n{markdown_table(_table(table))}\n")
    if word_table["data"]:
        words = pd.DataFrame(word_table["data"], columns=word_table["headers"])
        print(f"Word ablation of the base:\n\n{markdown_table(words)}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model (default: the app's default resolution)")
    parser.add_argument("--queries", type=int, default=120, help="XQuAD questions (of 1190), sampled with seed 0")
    parser.add_argument("--langs", nargs="+", default=["de", "en"], help="XQuAD question languages (corpus: en)")
    parser.add_argument("--sentences", type=int, default=150, help="FLORES sentences (first n)")
    args = parser.parse_args()
    backend = Backend(load_settings(model=str(model_folder(args.model)))).start()
    demo = build_app(backend)
    _, url, _ = demo.queue().launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    client = Client(url, verbose=False)
    spec = backend.spec
    with tempfile.TemporaryDirectory() as tmp:
        base = spec.preset("qa")
        variants = client.predict(base_instruction=base, domain="", api_name="/lab_propose")
        for lang in args.langs:
            folder = Path(tmp, lang)
            folder.mkdir()
            xquad(args.queries, folder, lang)
            data = dict(queries_files=[handle_file(f"{folder}/queries.tsv")],
                        corpus_files=[handle_file(f"{folder}/corpus.tsv")],
                        qrels_file=handle_file(f"{folder}/qrels.tsv"), held_out=0.3, seed=0)
            _lab(client, f"XQuAD {lang} → en, {args.queries} questions, base {base!r}", **data, base_instruction=base,
                 variants=variants)
            if lang == args.langs[0]:
                started = time.perf_counter()
                summary, steps = client.predict(**data, start=base, rounds=3, api_name="/lab_search")
                log(f"search: {time.perf_counter() - started:.0f} s")
                print(f"### Search from {base!r}, XQuAD {lang} → en\n\n{summary}\n\n"
                      f"{markdown_table(pd.DataFrame(steps['data'], columns=steps['headers']))}\n")

        rows = read_jsonl(EVALDATA / "parallel_flores_sib200" / "flores_sib200_nway.jsonl")[:args.sentences]
        for lang in ("swh_Latn", "eng_Latn"):
            write_tsv(pd.DataFrame({"id": [f"{lang}-{r['index_id']}" for r in rows],
                                    "text": [r["text"][lang] for r in rows]}), f"{tmp}/{lang}.tsv")
        base = spec.preset("bitext")
        variants = client.predict(base_instruction=base, domain="", api_name="/lab_propose")
        _lab(client, f"FLORES swh → eng, {args.sentences} sentences, parallel data as labels, base {base!r}",
             queries_files=[handle_file(f"{tmp}/swh_Latn.tsv")], corpus_files=[handle_file(f"{tmp}/eng_Latn.tsv")],
             labels_from_rows=True, held_out=0.3, seed=0, base_instruction=base, variants=variants)
    client.close()
    demo.close()


if __name__ == "__main__":
    main()
