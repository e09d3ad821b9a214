"""The Instruction lab through the app's own API (gradio_client, named parameters), as a script author would:

1. XQuAD de → en (German questions, English paragraphs, labels): the wordings ``/lab_propose`` makes from the
   model's question-answering preset, scored by ``/lab_run`` with a held-out split and the word ablation;
2. the same data: ``/lab_search`` from that preset, checked on the held-out questions;
3. FLORES / SIB-200 Swahili → English with **parallel data as labels** (sentence i's translation is its relevant
   document), from the model's bitext preset: a user without qrels still gets real metrics.

    .venv/bin/python -m benchmarks.instruction_lab [--model FOLDER] [--queries 120] [--sentences 150]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd
from gradio_client import Client, handle_file

from benchmarks._common import EVALDATA, log, markdown_table, model_folder, read_jsonl, xquad_de_en
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
    parser.add_argument("--sentences", type=int, default=150, help="FLORES sentences (first n)")
    args = parser.parse_args()
    backend = Backend(load_settings(model=str(model_folder(args.model)))).start()
    demo = build_app(backend)
    _, url, _ = demo.queue().launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    client = Client(url, verbose=False)
    spec = backend.spec
    with tempfile.TemporaryDirectory() as tmp:
        xquad_de_en(args.queries, Path(tmp))
        data = dict(queries_files=[handle_file(f"{tmp}/queries.tsv")], corpus_files=[handle_file(f"{tmp}/corpus.tsv")],
                    qrels_file=handle_file(f"{tmp}/qrels.tsv"), held_out=0.3, seed=0)
        base = spec.preset("qa")
        variants = client.predict(base_instruction=base, domain="", api_name="/lab_propose")
        _lab(client, f"XQuAD de → en, {args.queries} questions, base {base!r}", **data, base_instruction=base,
             variants=variants)
        started = time.perf_counter()
        summary, steps = client.predict(**data, start=base, rounds=3, api_name="/lab_search")
        log(f"search: {time.perf_counter() - started:.0f} s")
        print(f"### Search from {base!r}\n\n{summary}\n\n"
              f"{markdown_table(pd.DataFrame(steps['data'], columns=steps['headers']))}\n")

        rows = read_jsonl(EVALDATA / "parallel_flores_sib200" / "flores_sib200_nway.jsonl")[:args.sentences]
        for lang in ("swh_Latn", "eng_Latn"):
            pd.DataFrame({"id": [f"{lang}-{r['index_id']}" for r in rows],
                          "text": [r["text"][lang] for r in rows]}).to_csv(f"{tmp}/{lang}.tsv", sep="\t", index=False)
        base = spec.preset("bitext")
        variants = client.predict(base_instruction=base, domain="", api_name="/lab_propose")
        _lab(client, f"FLORES swh → eng, {args.sentences} sentences, parallel data as labels, base {base!r}",
             queries_files=[handle_file(f"{tmp}/swh_Latn.tsv")], corpus_files=[handle_file(f"{tmp}/eng_Latn.tsv")],
             labels_from_rows=True, held_out=0.3, seed=0, base_instruction=base, variants=variants)
    client.close()
    demo.close()


if __name__ == "__main__":
    main()
