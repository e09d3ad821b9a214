"""Pasted text and uploaded files become the right records, and bad input fails with a message naming the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from harrier_explorer.errors import InputError
from harrier_explorer.inputs.pairs import load_bitext, parse_qrels
from harrier_explorer.inputs.parsing import SUPPORTED_EXTENSIONS, Columns, load_files, parse_paste

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"
LIMITS = {"max_file_mb": 5, "max_items": 10_000}


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF (Helvetica, one text line per entry) with a correct xref table."""
    text = "".join(f"({line}) Tj T* " for line in lines)
    stream = f"BT /F1 12 Tf 14 TL 72 720 Td {text}ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_paste_gives_one_record_per_line_and_counts_skipped_blank_lines():
    result = parse_paste("  first \n\n second\n   \nthird\n", max_items=10)
    assert result.texts == ["first", "second", "third"]
    assert result.ids == ["paste:1", "paste:2", "paste:3"]
    assert result.notes == ("skipped 2 blank lines",)


def test_paste_that_is_only_whitespace_is_reported_empty():
    with pytest.raises(InputError, match="empty"):
        parse_paste(" \n\t\n", max_items=10)


def test_txt_is_one_item_per_line_with_file_based_ids(tmp_path):
    path = write(tmp_path, "notes.txt", "alpha\n\nbeta\n")
    result = load_files([path], **LIMITS)
    assert result.texts == ["alpha", "beta"]
    assert result.ids == ["notes.txt:1", "notes.txt:2"]
    assert result.records[0].source == "notes.txt"
    assert result.notes == ("notes.txt: skipped 1 blank lines",)


def test_markdown_lines_lose_heading_and_bullet_marks(tmp_path):
    path = write(tmp_path, "doc.md", "# Title\n\n- first point\n1. numbered point\n> quoted\n")
    assert load_files([path], **LIMITS).texts == ["Title", "first point", "numbered point", "quoted"]


def test_txt_can_be_split_into_paragraphs_sentences_or_kept_whole(tmp_path):
    path = write(tmp_path, "story.txt", "One line.\nSame paragraph.\n\nSecond paragraph. It has two sentences.\n")
    assert load_files([path], split="paragraph", **LIMITS).texts == [
        "One line. Same paragraph.",
        "Second paragraph. It has two sentences.",
    ]
    assert load_files([path], split="sentence", **LIMITS).texts == [
        "One line.", "Same paragraph.", "Second paragraph.", "It has two sentences.",
    ]
    assert len(load_files([path], split="document", **LIMITS).records) == 1


def test_tsv_uses_named_columns_and_keeps_literal_quotes(tmp_path):
    path = write(tmp_path, "c.tsv", 'id\ttext\tlang\ttopic\n7\t"Quoted" start\tde\tsports\n8\tplain\ten\ttravel\n')
    result = load_files([path], columns=Columns(label="topic"), **LIMITS)
    first = result.records[0]
    assert (first.id, first.text, first.lang, first.label) == ("7", '"Quoted" start', "de", "sports")
    assert result.records[1].extra == {}


def test_csv_delimiter_is_sniffed_and_other_columns_go_to_extra(tmp_path):
    path = write(tmp_path, "excel.csv", 'body;score\n"a; b";1\nc;2\n')
    result = load_files([path], columns=Columns(text="body"), **LIMITS)
    assert result.texts == ["a; b", "c"]
    assert result.records[0].extra == {"score": "1"}
    assert result.ids == ["excel.csv:1", "excel.csv:2"]


def test_missing_text_column_error_lists_the_available_columns(tmp_path):
    path = write(tmp_path, "c.csv", "title,body\nx,y\n")
    with pytest.raises(InputError, match="no column 'text'.*available: title, body"):
        load_files([path], columns=Columns(text="text"), **LIMITS)


def test_rows_with_empty_text_are_skipped_with_a_note(tmp_path):
    path = write(tmp_path, "c.tsv", "text\tlabel\nkept\ta\n\tb\n")
    result = load_files([path], **LIMITS)
    assert result.texts == ["kept"]
    assert result.notes == ("c.tsv: skipped 1 rows with empty text",)


def test_jsonl_picks_the_field_and_stringifies_numbers(tmp_path):
    path = write(tmp_path, "d.jsonl", '{"_id": 3, "content": "hello", "label": "x"}\n\n{"_id": 4, "content": "bye"}\n')
    result = load_files([path], columns=Columns(text="content"), **LIMITS)
    assert result.texts == ["hello", "bye"]
    assert result.ids == ["3", "4"]
    assert [r.label for r in result.records] == ["x", None]


def test_jsonl_bad_line_is_an_error_naming_the_line_number(tmp_path):
    path = write(tmp_path, "d.jsonl", '{"text": "ok"}\n{"text": oops}\n')
    with pytest.raises(InputError, match="Line 2 of d.jsonl is not valid JSON"):
        load_files([path], **LIMITS)


def test_jsonl_record_without_the_text_field_is_an_error(tmp_path):
    path = write(tmp_path, "d.jsonl", '{"text": "ok"}\n{"body": "no text"}\n')
    with pytest.raises(InputError, match="Record 2 of d.jsonl has no field 'text'"):
        load_files([path], **LIMITS)


def test_pdf_text_is_extracted_by_pypdf(tmp_path):
    path = write(tmp_path, "paper.pdf", minimal_pdf(["First sentence here.", "Second sentence here."]))
    assert load_files([path], split="line", **LIMITS).texts == ["First sentence here.", "Second sentence here."]
    # No blank line in the page, so its one paragraph is the whole page with the lines joined.
    assert load_files([path], **LIMITS).texts == ["First sentence here. Second sentence here."]


def test_docx_gives_one_record_per_paragraph(tmp_path):
    from docx import Document

    document = Document()
    for text in ("Erster Absatz.", "", "Zweiter Absatz. Mit zwei Sätzen."):
        document.add_paragraph(text)
    document.save(tmp_path / "brief.docx")
    path = tmp_path / "brief.docx"
    assert load_files([path], **LIMITS).texts == ["Erster Absatz.", "Zweiter Absatz. Mit zwei Sätzen."]
    sentences = load_files([path], split="sentence", **LIMITS).texts
    assert sentences == ["Erster Absatz.", "Zweiter Absatz.", "Mit zwei Sätzen."]


def test_corrupt_pdf_is_an_input_error(tmp_path):
    path = write(tmp_path, "broken.pdf", b"%PDF-1.4 this is not really a pdf")
    with pytest.raises(InputError, match="broken.pdf"):
        load_files([path], **LIMITS)


def test_several_files_load_in_order_and_duplicate_ids_are_rejected(tmp_path):
    a = write(tmp_path, "a.txt", "one\n")
    b = write(tmp_path, "b.tsv", "id\ttext\nx\ttwo\n")
    assert load_files([a, b], **LIMITS).ids == ["a.txt:1", "x"]
    c = write(tmp_path, "c.tsv", "id\ttext\nx\tthree\n")
    with pytest.raises(InputError, match="'x' occurs twice"):
        load_files([b, c], **LIMITS)


@pytest.mark.parametrize(("name", "content"), [("empty.txt", b""), ("blank.csv", b"  \n\n")])
def test_empty_file_is_reported_as_empty(tmp_path, name, content):
    with pytest.raises(InputError, match="empty"):
        load_files([write(tmp_path, name, content)], **LIMITS)


def test_unknown_extension_error_lists_supported_ones(tmp_path):
    with pytest.raises(InputError, match=r"unsupported file type \.xlsx.*\.jsonl"):
        load_files([write(tmp_path, "sheet.xlsx", b"PK")], **LIMITS)
    assert ".docx" in SUPPORTED_EXTENSIONS


def test_too_many_items_names_limit_count_and_setting(tmp_path):
    path = write(tmp_path, "many.txt", "\n".join(f"line {i}" for i in range(12)))
    with pytest.raises(InputError, match=r"12 items, above the limit of 10.*max_items.*HARRIER_MAX_ITEMS"):
        load_files([path], max_file_mb=5, max_items=10)


def test_example_assets_load_through_the_parsers():
    corpus = load_files([EXAMPLES / "search_corpus.tsv"], columns=Columns(label="topic"), **LIMITS)
    assert 80 <= len(corpus.records) <= 150
    assert {"en", "de", "ja", "sw"} <= set(corpus.langs)
    assert len(load_files([EXAMPLES / "search_queries.txt"], **LIMITS).records) == 4
    docs = load_files([EXAMPLES / "map_docs.jsonl"], **LIMITS)
    assert len(docs.records) == 294 and docs.records[0].label is not None
    corpus_ids = set(load_files([EXAMPLES / "ab_corpus.tsv"], **LIMITS).ids)
    query_ids = set(load_files([EXAMPLES / "ab_queries.tsv"], **LIMITS).ids)
    qrels = parse_qrels(EXAMPLES / "ab_qrels.tsv", 5)
    assert set(qrels) == query_ids
    assert {d for docs_of_q in qrels.values() for d in docs_of_q} <= corpus_ids
    bitext = load_bitext(EXAMPLES / "bitext_de_en.tsv", 5, 1000)
    assert len(bitext.source) == len(bitext.target) == 80
    en = load_files([EXAMPLES / "parallel_doc_en.txt"], **LIMITS)
    de = load_files([EXAMPLES / "parallel_doc_de.txt"], **LIMITS)
    assert (len(en.records), len(de.records)) == (13, 12)


def test_example_assets_stay_small():
    total = sum(p.stat().st_size for p in EXAMPLES.iterdir())
    assert total < 1_000_000
