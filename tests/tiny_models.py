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


def _tokenizer():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=["<pad>", "<eos>", "<bos>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(CORPUS, trainer)
    eos = tok.token_to_id("<eos>")
    tok.post_processor = processors.TemplateProcessing(single="$A <eos>", pair="$A <eos> $B <eos>",
                                                       special_tokens=[("<eos>", eos)])
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<eos>", pad_token="<pad>", bos_token="<bos>",
                                   padding_side="right")


def build_tiny_decoder(folder: Path, family: str = "gemma3", *, padding_side: str = "right",
                       max_positions: int = 512, seed: int = 0) -> Path:
    """Save a tiny random ``gemma3`` or ``qwen3`` decoder + tokenizer to ``folder``, with Harrier's saved prompts
    (as the Harrier repos have them: no modules.json, so pooling must come from the profile)."""
    import torch
    from transformers import Gemma3TextConfig, Gemma3TextModel, Qwen3Config, Qwen3Model

    tokenizer = _tokenizer()
    tokenizer.padding_side = padding_side
    common = dict(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2, head_dim=16, max_position_embeddings=max_positions,
                  pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
                  bos_token_id=tokenizer.bos_token_id)
    torch.manual_seed(seed)
    if family == "gemma3":
        model = Gemma3TextModel(Gemma3TextConfig(**common, sliding_window=64))
    elif family == "qwen3":
        model = Qwen3Model(Qwen3Config(**common))
    else:
        raise ValueError(family)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    (folder / "config_sentence_transformers.json").write_text(json.dumps({"prompts": HARRIER_PROMPTS}, indent=2))
    return folder
