"""Model profiles as data: what each supported model family needs to be embedded the way its card says.

A profile says how an instruction becomes a prompt (the family's template), what documents get, whether the
tokenizer must append an EOS (decoder models pooled on the last token), and the preset instructions.
Sources: ../shared/model-facts.md (the Harrier card and mteb's wrapper) and EmbeddingGemma's own
``config_sentence_transformers.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

Role = Literal["query", "document", "symmetric"]
ROLES: tuple[Role, ...] = ("query", "document", "symmetric")

#: No instruction: queries are embedded the way the family embeds documents (Harrier: bare; EmbeddingGemma:
#: ``title: none | text: ``).
NO_INSTRUCTION = "(none)"
#: No prompt at all, whatever the role: the text exactly as given.
RAW_TEXT = "(raw text)"

#: The prompts every Harrier size ships in its config_sentence_transformers.json (the card's prompt names), verbatim.
HARRIER_SAVED_PROMPTS: dict[str, str] = {
    "web_search_query": "Instruct: Given a web search query, retrieve relevant passages that answer the query\nQuery: ",
    "sts_query": "Instruct: Retrieve semantically similar text\nQuery: ",
    "bitext_query": "Instruct: Retrieve parallel sentences\nQuery: ",
}

#: The card's context length; also the cap for models that claim more (the 27b config says 131,072).
CONTEXT_CAP = 32768

# Task strings Microsoft used for MTEB v2 (mteb_v2_eval_prompts.json), verbatim, typos kept.
HARRIER_PRESETS: dict[str, str] = {
    "retrieval (web)": "Given a web search query, retrieve relevant passages that answer the query",
    "retrieval (generic)": "Retrieval the relevant passage for the given query",
    "retrieval (Wikipedia QA)": "Retrieve Wikipedia passages that answer the question",
    "retrieval (QA)": "Given a question, retrieve passages that answer the question",
    "retrieval (argument)": "Given a claim, find documents that refute the claim",
    "retrieval (code)": "Given a question about coding, retrieval code or passage that can solve user's question",
    "STS": "Retrieve semantically similar text",
    "STS (documents)": "Given a document, retrieve semantically related documents",
    "pair classification": "Find questions that have the same meaning as the input question",
    "bitext mining": "Retrieve parallel sentences",
    "clustering (news)": "Identify the topic or theme of the given news articles based on the titles",
    "clustering (generic)": "Identify the category of documents",
    "clustering (StackExchange)": "Identify the topic or theme of StackExchange posts based on the titles",
    "classification (topic)": "Given a news article, classify its topic",
    "classification (language)": "Given a text, classify its language",
    "classification (sentiment)": "Given a text, categorized by sentiment into positive, negative, or neutral",
    "classification (intent)": "Given a user utterance as query, find the user intents",
}

# EmbeddingGemma's task names, from the prompts in its config_sentence_transformers.json.
EMBEDDINGGEMMA_PRESETS: dict[str, str] = {
    "retrieval": "search result",
    "question answering": "question answering",
    "fact checking": "fact checking",
    "code retrieval": "code retrieval",
    "STS": "sentence similarity",
    "classification": "classification",
    "clustering": "clustering",
    "summarization": "summarization",
}


@dataclass(frozen=True)
class ModelSpec:
    """How to embed with one model family.

    ``query_template`` turns an instruction into the prompt prefix (``{task}`` is replaced); ``document_prompt`` is
    what bare documents get (asymmetric tasks). ``tasks`` maps the app's task kinds to a preset name.
    """

    family: str
    label: str
    query_template: str
    document_prompt: str = ""
    presets: dict[str, str] = field(default_factory=dict)
    tasks: dict[str, str] = field(default_factory=dict)
    dim: int | None = None
    max_tokens: int | None = None
    last_token_pooling: bool = False
    hf_id: str | None = None
    #: Generic models take the instruction verbatim as a prefix (a space is added unless it ends in whitespace).
    verbatim: bool = False
    #: Prompt names saved in the model folder (``config_sentence_transformers.json``) → their exact prefix; usable
    #: wherever a preset is, as with sentence-transformers' ``encode(..., prompt_name=...)``.
    saved_prompts: dict[str, str] = field(default_factory=dict)
    #: Smaller sizes the model was trained to be truncated to (Matryoshka), largest first; empty when none.
    matryoshka_dims: tuple[int, ...] = ()

    def prompt(self, instruction: str | None, role: Role) -> str:
        """The exact prefix put before a text.

        ``instruction`` is free text, a preset name, a preset's label (``"name: task"``), a saved prompt name,
        ``NO_INSTRUCTION`` or ``RAW_TEXT``. Asymmetric tasks (retrieval): queries get the instruction, documents the
        document prompt. Symmetric tasks (STS, bitext, clustering, classification): every input gets it.
        """
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, got {role!r}")
        value = (instruction or "").strip()
        if value == RAW_TEXT:
            return ""
        if role == "document" or not value or value == NO_INSTRUCTION:
            return self.document_prompt
        if value in self.saved_prompts:
            return self.saved_prompts[value]
        task = self.task_of(value)
        if self.verbatim:  # a free-text prefix keeps its own trailing whitespace ("Represent this:\n")
            task = instruction.lstrip() if task == value else task
            return task if task[-1].isspace() else task + " "
        return self.query_template.format(task=task)

    def task_of(self, value: str) -> str:
        """The task string a preset name or label stands for; any other text is a task string itself."""
        if value in self.presets:
            return self.presets[value]
        name, sep, task = value.partition(": ")
        if sep and self.presets.get(name) == task.strip():
            return task.strip()
        return value

    def preset(self, task_kind: str) -> str | None:
        """The instruction the family uses for a task kind (retrieval, sts, bitext, clustering), if any."""
        name = self.tasks.get(task_kind)
        return self.presets.get(name) if name else None

    def choices(self) -> list[tuple[str, str]]:
        """(label, value) of every instruction this model offers: none, raw, its saved prompt names, the presets.

        Labels show the exact prefix where it is not obvious, so "(none)" says what a query then gets."""
        none = f"{NO_INSTRUCTION}: no instruction (documents' format {self.document_prompt!r})" \
            if self.document_prompt else f"{NO_INSTRUCTION}: no instruction"
        rows = [(none, NO_INSTRUCTION), (f"{RAW_TEXT}: no prompt at all", RAW_TEXT)]
        rows += [(f"{name} (saved with the model): {prefix!r}", name) for name, prefix in self.saved_prompts.items()]
        rows += [(f"{name}: {task}", task) for name, task in self.presets.items()]
        return rows


_HARRIER_TASKS = {"retrieval": "retrieval (web)", "qa": "retrieval (QA)", "sts": "STS", "bitext": "bitext mining",
                  "clustering": "clustering (generic)"}


def _harrier(size: str, dim: int) -> ModelSpec:
    return ModelSpec(
        family="harrier", label=f"Harrier-OSS-v1 {size}", hf_id=f"microsoft/harrier-oss-v1-{size}",
        query_template="Instruct: {task}\nQuery: ", document_prompt="", presets=HARRIER_PRESETS, tasks=_HARRIER_TASKS,
        dim=dim, max_tokens=CONTEXT_CAP, last_token_pooling=True, saved_prompts=HARRIER_SAVED_PROMPTS)


HARRIER_270M = _harrier("270m", 640)
HARRIER_06B = _harrier("0.6b", 1024)
HARRIER_27B = _harrier("27b", 5376)

EMBEDDINGGEMMA = ModelSpec(
    family="embeddinggemma", label="EmbeddingGemma-300M", hf_id="google/embeddinggemma-300m",
    query_template="task: {task} | query: ", document_prompt="title: none | text: ", presets=EMBEDDINGGEMMA_PRESETS,
    tasks={"retrieval": "retrieval", "qa": "question answering", "sts": "STS", "bitext": "retrieval",
           "clustering": "clustering"},
    dim=768, max_tokens=2048, last_token_pooling=False, matryoshka_dims=(768, 512, 256, 128))

#: Any other sentence-transformers model: the instruction is used verbatim as a prefix, documents stay bare.
GENERIC = ModelSpec(family="generic", label="sentence-transformers model", query_template="{task}", verbatim=True)

#: English-only: the offline contrast to the multilingual models (translations score no higher than unrelated text).
MINILM = replace(GENERIC, label="all-MiniLM-L6-v2 (English only)", hf_id="sentence-transformers/all-MiniLM-L6-v2",
                 dim=384, max_tokens=256)

KNOWN_MODELS: dict[str, ModelSpec] = {s.hf_id: s for s in (HARRIER_270M, HARRIER_06B, HARRIER_27B, EMBEDDINGGEMMA,
                                                         MINILM)}


def spec_for(model_id: str, config: dict | None = None, prompts: dict[str, str] | None = None) -> ModelSpec:
    """The profile of a model id or folder: known ids by name, else by the folder's config and saved prompts.

    A folder whose name is a known id's last part (e.g. ``.../harrier-oss-v1-0.6b``) gets that profile. A folder whose
    saved prompts (``config_sentence_transformers.json``) all have Harrier's ``Instruct: …\nQuery: `` shape — a
    fine-tuned or renamed Harrier — gets the Harrier template. Otherwise the generic profile, with the saved prompts
    as presets; an unknown decoder gets last-token pooling, never the silent mean default.
    """
    key = model_id.rstrip("/")
    config, prompts = config or {}, {k: v for k, v in (prompts or {}).items() if v}
    for hf_id, spec in KNOWN_MODELS.items():
        if key == hf_id or key.split("/")[-1] == hf_id.split("/")[1]:
            return replace(spec, saved_prompts=prompts) if prompts else spec
    max_tokens = config.get("max_position_embeddings")
    shape = dict(label=key.split("/")[-1] or key, hf_id=None, dim=config.get("hidden_size"),
                 max_tokens=min(max_tokens, CONTEXT_CAP) if max_tokens else None,
                 last_token_pooling=is_decoder_config(config))
    if prompts and all(p.startswith("Instruct: ") and p.endswith("\nQuery: ") for p in prompts.values()):
        return replace(HARRIER_270M, saved_prompts=prompts, **shape)
    return replace(GENERIC, saved_prompts=prompts, **shape)


_DECODER_TYPES = {"gemma3_text", "gemma2", "gemma", "qwen3", "qwen2", "llama", "mistral", "phi3", "gpt2", "gpt_neox"}


def is_decoder_config(config: dict) -> bool:
    """True for causal decoders (pooled on their last token); EmbeddingGemma-style bidirectional Gemma is not."""
    return config.get("model_type") in _DECODER_TYPES and not config.get("use_bidirectional_attention", False)
