"""Tiny random decoder models with Harrier's recipe, built offline in about a second.

A byte-level BPE tokenizer trained in memory (never emits <unk>) whose post-processor appends <eos>, plus a
Gemma3 or Qwen3 text model (hidden 64, 2 layers) with a fixed seed. They exercise the real loading, tokenising and
pooling code; they say nothing about quality.
"""

from __future__ import annotations

import json
from pathlib import Path

CORPUS = [
    "The quick brown fox jumps over the lazy dog.",
    "Der schnelle braune Fuchs springt über den faulen Hund.",
    "Le renard brun rapide saute par-dessus le chien paresseux.",
    "素早い茶色の狐がのろまな犬を飛び越える。",
    "Instruct: Retrieve parallel sentences\nQuery: ",
] * 20

#: The prompts every Harrier size ships in config_sentence_transformers.json (model-facts.md, verbatim).
HARRIER_PROMPTS = {
    "web_search_query": "Instruct: Given a web search query, retrieve relevant passages that answer the query\nQuery: ",
    "sts_query": "Instruct: Retrieve semantically similar text\nQuery: ",
    "bitext_query": "Instruct: Retrieve parallel sentences\nQuery: ",
}


def train_tokenizer(corpus: list[str] = CORPUS, vocab_size: int = 300):
    """A byte-level BPE trained on ``corpus`` in memory (never emits <unk>) whose post-processor appends <eos>."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=["<pad>", "<eos>", "<bos>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(corpus, trainer)
    eos = tok.token_to_id("<eos>")
    tok.post_processor = processors.TemplateProcessing(single="$A <eos>", pair="$A <eos> $B <eos>",
                                                       special_tokens=[("<eos>", eos)])
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<eos>", pad_token="<pad>", bos_token="<bos>",
                                   padding_side="right")


#: The tiny shape; ``build_tiny_decoder(shape=…)`` takes a real size's (benchmarks.gpu_shapes).
TINY = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
            head_dim=16)


def build_tiny_decoder(folder: Path, family: str = "gemma3", *, padding_side: str = "right",
                       max_positions: int = 512, seed: int = 0, shape: dict | None = None, tokenizer=None,
                       dtype=None) -> Path:
    """Save a random ``gemma3`` or ``qwen3`` decoder + tokenizer to ``folder``, with Harrier's saved prompts (as the
    Harrier repos have them: no modules.json, so pooling must come from the profile). Tiny by default; ``shape``
    (hidden size, layers, heads, vocab …) gives a real size's compute with random weights."""
    import torch
    from transformers import Gemma3TextConfig, Gemma3TextModel, Qwen3Config, Qwen3Model

    tokenizer = tokenizer or train_tokenizer()
    tokenizer.padding_side = padding_side
    common = dict(vocab_size=len(tokenizer), **TINY, max_position_embeddings=max_positions,
                  pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
                  bos_token_id=tokenizer.bos_token_id) | (shape or {})
    torch.manual_seed(seed)
    if family == "gemma3":
        layers = common["num_hidden_layers"]  # every layer full attention, as Harrier's Gemma sizes embed
        model = Gemma3TextModel(Gemma3TextConfig(**common, sliding_window=64) if shape is None else
                                Gemma3TextConfig(**common, layer_types=["full_attention"] * layers))
    elif family == "qwen3":
        model = Qwen3Model(Qwen3Config(**common))
    else:
        raise ValueError(family)
    folder.mkdir(parents=True, exist_ok=True)
    if dtype is not None:
        model.to(dtype)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    (folder / "config_sentence_transformers.json").write_text(json.dumps({"prompts": HARRIER_PROMPTS}, indent=2))
    return folder
