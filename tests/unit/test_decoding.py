"""Files in the encodings people really have decode to the right text; binary files and oversize files are refused."""

from __future__ import annotations

import codecs

import pytest

from harrier_explorer.errors import InputError
from harrier_explorer.inputs.decoding import check_item_limit, decode_bytes, read_limited

GERMAN = "Grüße aus München – „schön“, sagte sie.\nZweite Zeile mit Äpfeln und Öl.\n"


def test_plain_utf8_decodes_without_a_note():
    assert decode_bytes(GERMAN.encode("utf-8"), "a.txt") == (GERMAN, None)


def test_utf8_bom_is_dropped_silently():
    assert decode_bytes(codecs.BOM_UTF8 + GERMAN.encode("utf-8"), "a.txt") == (GERMAN, None)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_bom_decodes_and_says_so(encoding):
    data = GERMAN.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data  # Python writes the BOM only for the endian-neutral codec
    text, note = decode_bytes(data, "win.txt")
    assert text == GERMAN
    assert note == "win.txt: decoded as utf-16 (byte-order mark)"


def test_cp1252_file_is_detected_including_curly_quotes_and_euro_sign():
    original = "Café “naïve” – crème brûlée costs 5 €.\nSecond line: façade, déjà vu, Ærøskøbing.\n"
    text, note = decode_bytes(original.encode("cp1252"), "excel.csv")
    assert text == original
    assert note is not None and note.startswith("excel.csv: not UTF-8, decoded as")


LATIN1_TEXTS = [
    "Le garçon a mangé une crème brûlée à la façon de sa grand-mère.\nÀ Noël, nous irons à l'église.\n",
    "Die Straße in München ist schön, aber die Brücke über den Fluß ist älter.\nÜbermorgen fährt er nach Köln.\n",
    "Grüße aus Zürich: Käse, Bäcker, Größe, weiß.\n",
    "Ça coûte très cher, où est la gare ? Il était une fois un élève très curieux.\n",
    "El niño comió en España; ¿dónde está la señora?\n",
    "Ærøskøbing ligger på Ærø. Smørrebrød og rødgrød med fløde.\n",
]


@pytest.mark.parametrize("original", LATIN1_TEXTS)
def test_latin1_text_is_reported_as_western_never_as_central_european(original):
    # charset-normalizer names its match for German text "cp1250" (it decodes the same); the note must not.
    text, note = decode_bytes(original.encode("latin-1"), "fr.txt")
    assert text == original
    assert note == "fr.txt: not UTF-8, decoded as cp1252 (Windows Latin-1)"


@pytest.mark.parametrize("original", [
    "Zażółć gęślą jaźń. Łódź jest dużym miastem w środkowej Polsce, a Kraków leży na południu.\n",
    "Příliš žluťoučký kůň úpěl ďábelské ódy. Česká republika leží ve střední Evropě.\n",
])
def test_central_european_text_still_decodes_as_cp1250(original):
    text, note = decode_bytes(original.encode("cp1250"), "pl.txt")
    assert (text, note) == (original, "pl.txt: not UTF-8, decoded as cp1250")


def test_shift_jis_file_is_detected():
    original = "今日は良い天気です。\n明日は雨が降るでしょう。\n東京駅で会いましょう。\n"
    assert decode_bytes(original.encode("shift_jis"), "jp.txt")[0] == original


def test_png_renamed_to_txt_looks_binary():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    with pytest.raises(InputError, match="photo.txt looks binary"):
        decode_bytes(png, "photo.txt")


def test_utf8_text_full_of_control_characters_looks_binary():
    with pytest.raises(InputError, match="looks binary"):
        decode_bytes(("ab\x01\x02\x03" * 50).encode("utf-8"), "x.txt")


def test_file_over_the_size_limit_names_sizes_and_setting(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * 300_000)  # 1.5 MB
    with pytest.raises(InputError, match=r"big.txt is 1.5 MB, above the limit of 1 MB.*HARRIER_MAX_FILE_MB"):
        read_limited(path, max_file_mb=1)
    assert len(read_limited(path, max_file_mb=2)) == 1_500_000


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_limited(tmp_path / "nope.txt", max_file_mb=1)


def test_item_limit_allows_exactly_the_limit():
    check_item_limit(10, 10, "x")
    with pytest.raises(InputError, match="11 items, above the limit of 10"):
        check_item_limit(11, 10, "x")
