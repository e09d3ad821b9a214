"""``harrier-explorer embed``: a file of texts in, a file of vectors out, with a progress bar."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from harrier_explorer.backend.core import Backend
from harrier_explorer.errors import InputError
from harrier_explorer.inputs.parsing import Columns, load_files

OUTPUT_FORMATS = (".npy", ".parquet")


def resolve_instruction(backend: Backend, instruction: str | None, prompt_name: str | None) -> str | None:
    """An explicit instruction, or a prompt name: one saved with the model (the card's, e.g. ``web_search_query``)
    or a preset of its family (e.g. ``"retrieval (QA)"``)."""
    if instruction and prompt_name:
        raise InputError("Give --instruction or --prompt-name, not both")
    if prompt_name:
        spec = backend.spec
        names = [*spec.saved_prompts, *spec.presets]
        if prompt_name not in names:
            raise InputError(f"Unknown prompt name {prompt_name!r}; {spec.label} has: {', '.join(names)}")
    return prompt_name or instruction


def embed_file(backend: Backend, source: Path, out: Path, *, instruction: str | None = None,
               prompt_name: str | None = None, role: str = "document", text_column: str | None = None) -> Path:
    if out.suffix.lower() not in OUTPUT_FORMATS:
        raise InputError(f"--out must end with one of {', '.join(OUTPUT_FORMATS)}, got {out.name!r}")
    s = backend.settings
    loaded = load_files([source], max_file_mb=s.max_file_mb, max_items=s.max_items, columns=Columns(text=text_column),
                        split="line" if source.suffix.lower() in (".txt", ".md") else None,
                        max_item_chars=s.max_item_chars)
    task = resolve_instruction(backend, instruction, prompt_name)
    from tqdm import tqdm

    with tqdm(total=len(loaded.records), unit="text", desc="embedding") as bar:
        result = backend.encode(loaded.texts, task, role, progress=lambda done, total: bar.update(done - bar.n))
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".npy":
        np.save(out, result.vectors, allow_pickle=False)
    else:
        import pandas as pd

        pd.DataFrame({"id": loaded.ids, "text": loaded.texts, "prompt": result.prompts,
                      "n_tokens": result.n_tokens, "truncated": result.truncated,
                      "vector": list(result.vectors)}).to_parquet(out, index=False)
    print(f"{result.summary}; wrote {result.vectors.shape} to {out}")  # noqa: T201 - the CLI's one line of output
    return out
