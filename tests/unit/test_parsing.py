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


# -- one item must not be unbounded: each loader refuses an item over max_item_chars, naming it ---------------------

SMALL = {**LIMITS, "max_item_chars": 100}


def test_the_default_item_limit_is_the_settings_default():
    import inspect

    from harrier_explorer.settings import DEFAULTS

    for loader in (load_files, parse_paste, load_bitext):
        assert inspect.signature(loader).parameters["max_item_chars"].default == DEFAULTS.max_item_chars


def test_a_pasted_line_over_the_limit_is_refused_naming_line_length_limit_and_setting():
    with pytest.raises(InputError, match=r"Line 3 of the pasted text has 101 characters, above the limit of 100 "
                                         r"per text; break it into several lines.*HARRIER_MAX_ITEM_CHARS"):
        parse_paste("short\n\n" + "x" * 101, max_items=10, max_item_chars=100)
    assert parse_paste("x" * 100, max_items=10, max_item_chars=100).texts == ["x" * 100]


def test_a_long_line_of_a_txt_is_refused_with_its_real_line_number_and_how_to_split(tmp_path):
    path = write(tmp_path, "book.txt", "title\n\n\n" + "word " * 40)
    with pytest.raises(InputError, match=r"Line 4 of book.txt has 199 characters.*split the file into sentences"):
        load_files([path], **SMALL)


def test_a_file_with_many_lines_kept_whole_as_one_document_is_refused(tmp_path):
    path = write(tmp_path, "lines.txt", "\n".join(f"w{i}" for i in range(2_000)))
    with pytest.raises(InputError, match=r"lines.txt, kept whole as one document, has 10,889 characters, above the "
                                         r"limit of 100 per text; split the file into paragraphs or sentences"):
        load_files([path], split="document", **SMALL)


def test_a_text_without_sentence_boundaries_is_not_one_giant_sentence(tmp_path):
    path = write(tmp_path, "run-on.txt", "and then " * 50 + "\n\nA short one. Another.\n")
    with pytest.raises(InputError, match=r"Sentence 1 of run-on.txt has 449 characters.*no sentence boundary"):
        load_files([path], split="sentence", **SMALL)


def test_a_long_paragraph_is_refused_but_splits_into_sentences_within_the_limit(tmp_path):
    path = write(tmp_path, "essay.txt", "This sentence is about twenty-nine characters. " * 5)
    with pytest.raises(InputError, match=r"Paragraph 1 of essay.txt has \d+ characters.*into sentences or lines"):
        load_files([path], split="paragraph", **SMALL)
    assert len(load_files([path], split="sentence", **SMALL).records) == 5


def test_a_long_table_cell_or_jsonl_field_is_refused_naming_row_and_column(tmp_path):
    table = write(tmp_path, "c.csv", "id,body\n1,ok\n2," + "y" * 150 + "\n")
    with pytest.raises(InputError, match=r"Row 2 of c.csv \(column 'body'\) has 150 characters"):
        load_files([table], columns=Columns(text="body"), **SMALL)
    jsonl = write(tmp_path, "d.jsonl", '{"text": "ok"}\n\n{"text": "' + "z" * 150 + '"}\n')
    with pytest.raises(InputError, match=r"Record 2 of d.jsonl \(column 'text'\) has 150 characters"):
        load_files([jsonl], **SMALL)


def test_whole_documents_may_exceed_the_item_limit_when_the_caller_chunks_them_later(tmp_path):
    path = write(tmp_path, "long.txt", "word " * 1_000)
    assert len(load_files([path], split="document", **{**SMALL, "max_item_chars": None}).texts[0]) == 4_999


def test_a_long_bitext_side_is_refused_naming_row_and_column(tmp_path):
    path = write(tmp_path, "pairs.tsv", "de\ten\nHallo\tHello\n\tblank\nJa\t" + "Yes " * 30 + "\n")
    with pytest.raises(InputError, match=r"Row 3 of pairs.tsv \(column 'en'\) has 119 characters.*sentence pairs"):
        load_bitext(path, 5, 100, max_item_chars=100)


# -- a .docx is a zip: refuse one that would inflate far beyond a real document before python-docx inflates it ------

def _docx_with_document_xml(path: Path, tmp_path: Path, megabytes: int) -> Path:
    """A real python-docx file whose word/document.xml is replaced by ``megabytes`` MB of one repeated run.

    Written through ``zf.open(..., "w")`` 1 MB at a time, so making it takes well under a second and no memory.
    """
    import zipfile

    from docx import Document

    Document().save(tmp_path / "template.docx")
    run = b"<w:r><w:t>aaaa</w:t></w:r>"
    chunk = run * (1_000_000 // len(run) + 1)
    with zipfile.ZipFile(tmp_path / "template.docx") as template, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member in template.infolist():
            if member.filename != "word/document.xml":
                zf.writestr(member, template.read(member))
        with zf.open("word/document.xml", "w") as out:
            for _ in range(megabytes):
                out.write(chunk)
    return path


def test_a_docx_zip_bomb_just_over_the_unzipped_limit_is_refused_before_parsing(tmp_path):
    path = _docx_with_document_xml(tmp_path / "bomb.docx", tmp_path, megabytes=100)  # + 0.8 MB of template parts
    assert path.stat().st_size < 500_000
    with pytest.raises(InputError, match=r"bomb.docx would unzip to 100.8 MB, above the limit of 100 MB .*zip bomb"):
        load_files([path], **LIMITS)


def test_a_small_docx_part_that_inflates_a_thousandfold_is_refused(tmp_path):
    path = _docx_with_document_xml(tmp_path / "small-bomb.docx", tmp_path, megabytes=3)
    with pytest.raises(InputError, match=r"small-bomb.docx: its part word/document.xml inflates [\d,]+ times"):
        load_files([path], **LIMITS)
