"""Tatoeba bitext mining accuracy: plain cosine vs ratio margin, both directions, through the bitext tab's workflow.

Uses the real backend (the configured model, else the offline demo model), the tab's default instruction for
bitext (the family's preset, role="symmetric" on both sides) and the same steps as the Bitext matching tab
(`workflows.bitext.embed_bitext`, `ratio_margin`, `gold_report`, `accuracy_frame`). Accuracy is MTEB's Tatoeba
metric: for each sentence, is its nearest neighbour on the other side its own translation? MTEB reports source →
English.

    python -m benchmarks.tatoeba [--langs deu fra jpn swh] [--k 4] [--data DIR] > tatoeba.md
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from benchmarks._common import EVALDATA, log, markdown_table, progress
from harrier_explorer.analysis.bitext import accuracy_frame, gold_report
from harrier_explorer.backend.core import Backend
from harrier_explorer.settings import load_settings
from harrier_explorer.workflows.bitext import embed_bitext

DATA = EVALDATA / "bitext_tatoeba"


def read_pairs(path: Path) -> pd.DataFrame:
    """A Tatoeba TSV (header src, eng; no quoting: sentences may hold quote marks)."""
    return pd.read_csv(path, sep="\t", quoting=3, keep_default_na=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--langs", nargs="+", default=["deu", "fra", "jpn", "swh"])
    parser.add_argument("--k", type=int, default=4, help="margin neighbourhood size (the paper's 4)")
    args = parser.parse_args()

    backend = Backend(load_settings())
    backend.start().wait()
    status = backend.status
    instruction = backend.spec.preset("bitext")
    log(f"model {status.model_id} ({status.device}, {status.dtype}); instruction {instruction!r}")

    rows = []
    for lang in args.langs:
        pairs = read_pairs(args.data / f"{lang}.tsv")
        start = time.perf_counter()
        run = embed_bitext(backend, pairs["src"].tolist(), pairs["eng"].tolist(), instruction, progress(lang, 200))
        accuracy = accuracy_frame(gold_report(run.margins(args.k))).set_index("score")
        seconds = time.perf_counter() - start
        log(f"{lang}: {run.summary} in {seconds:.0f} s")
        rows.append([lang, len(pairs)] + [100 * float(accuracy.loc[score, column]) for score in ("cosine", "margin")
                                          for column in ("accuracy source → target", "accuracy target → source")]
                    + [f"{seconds:.0f}"])

    print(f"### Tatoeba bitext accuracy (%)\n\nModel: `{status.model_id}` on {status.device} ({status.dtype}). "
          f"Instruction `{instruction}` on both sides (role symmetric); margin = ratio margin, k = {args.k}. "
          "xx → en is MTEB's reported direction. English sides differ between languages, so compare scores "
          "within a row, not across rows.\n")
    columns = ["lang", "pairs", "cosine xx → en", "cosine en → xx", "margin xx → en", "margin en → xx", "seconds"]
    print(markdown_table(pd.DataFrame(rows, columns=columns), floatfmt=".1f"))


if __name__ == "__main__":
    main()
