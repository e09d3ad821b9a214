"""Rule-based rewrites of an instruction: each rule on the card's own task strings, by hand."""

from harrier_explorer.analysis.instruction_variants import rewrites, word_ablations

QA = "Given a question, retrieve passages that answer the question"


def _by_kind(instruction: str, domain: str = "") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for variant in rewrites(instruction, domain):
        out.setdefault(variant.kind, []).append(variant.text)
    return out


def test_every_rule_on_the_qa_task_string() -> None:
    kinds = _by_kind(QA, "medical")
    assert kinds["drop a clause"] == ["Retrieve passages that answer the question",
                                      "Given a question, retrieve passages"]
    assert kinds["swap the verb"] == ["Given a question, find passages that answer the question",
                                      "Given a question, return passages that answer the question"]
    assert kinds["swap the noun"][0] == "Given a question, retrieve documents that answer the question"
    assert kinds["reorder"] == ["Retrieve passages that answer the question, given a question"]
    assert kinds["shorten"] == ["Retrieve passages", "Passages"]
    assert kinds["add the domain"] == ["Given a question, retrieve medical passages that answer the question"]
    assert kinds["typo"] == ["Given a question, retrieval passages that answer the question"]  # the card's own typo
    assert kinds["punctuation"] == [QA + "."]


def test_rewrites_are_unique_and_never_the_instruction_itself() -> None:
    texts = [v.text.casefold() for v in rewrites(QA)]
    assert len(texts) == len(set(texts)) and QA.casefold() not in texts
    assert rewrites("   ") == []


def test_a_short_task_name_gets_the_rules_that_apply() -> None:
    assert _by_kind("search result") == {"shorten": ["Result"], "punctuation": ["Search result."]}


def test_word_ablations_drop_each_word_once() -> None:
    assert word_ablations("find similar text") == [(0, "find", "similar text"), (1, "similar", "find text"),
                                                   (2, "text", "find similar")]
    assert word_ablations("one") == []
