"""The OCR engine set up for English print (plantrack/extract/ocr_engine.py): the recogniser trimmed to
the characters of UK papers reads what the shipped one reads, is made once into the cache folder, and
is done without when it cannot be made; and words are cut only at gaps their letters fit."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from paperfactory import make_minutes, sdp_minutes_spec

from plantrack.extract import ocr, ocr_engine

needs_trim = pytest.mark.skipif(not ocr.installed() or importlib.util.find_spec("onnx") is None,
                                reason="the OCR extra (with onnx) is not installed: pip install 'plantrack[ocr]'")


def test_the_characters_kept_are_those_of_english_and_welsh_print():
    for c in "aZ09£€$%&–—‘’“”…•●✓→ŵŷâéç½°":
        assert ocr_engine.kept(c), c
    for c in "的中文한глあ":
        assert not ocr_engine.kept(c), c


@pytest.fixture(scope="module")
def minutes_picture(tmp_path_factory):
    """The top of a page of generated minutes (title, date, attendance, a table's first rows) as OCR
    sees it: rendered at OCR's resolution."""
    import pypdfium2 as pdfium

    path = tmp_path_factory.mktemp("minutes") / "minutes.pdf"
    make_minutes(path, sdp_minutes_spec())
    doc = pdfium.PdfDocument(str(path))
    picture = np.asarray(doc[0].render(scale=ocr.DPI / 72).to_pil().convert("RGB"))
    doc.close()
    return np.ascontiguousarray(picture[: picture.shape[0] // 2])


@needs_trim
def test_the_trimmed_recogniser_reads_what_the_shipped_one_reads(tmp_path, monkeypatch, minutes_picture):
    import onnxruntime
    from rapidocr import RapidOCR

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    trimmed = ocr_engine.trimmed_recogniser()
    assert trimmed is not None and trimmed.parent == tmp_path / "plantrack" / "ocr"
    shipped = ocr_engine.shipped_recogniser()
    columns = onnxruntime.InferenceSession(str(trimmed)).get_outputs()[0].shape[-1]
    characters = onnxruntime.InferenceSession(str(shipped)).get_modelmeta().custom_metadata_map["character"]
    assert columns == sum(map(ocr_engine.kept, characters.splitlines())) + 2   # with CTC's blank and the space
    assert columns < 1000 < len(characters.splitlines())

    full = RapidOCR(params=ocr_engine.params())(minutes_picture)
    cut = RapidOCR(params=ocr_engine.params(trimmed))(minutes_picture)
    assert len(full.txts) > 10
    assert cut.txts == full.txts
    assert "Minutes of the meeting held on Thursday, 12 December 2019 at 1.45 pm" in cut.txts


@needs_trim
def test_the_trimmed_recogniser_is_made_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = ocr_engine.trimmed_recogniser()
    made = first.stat().st_mtime_ns
    calls = []
    monkeypatch.setattr(ocr_engine, "trim_recogniser", lambda *a: calls.append(a))
    assert ocr_engine.trimmed_recogniser() == first
    assert calls == [] and first.stat().st_mtime_ns == made
    assert [p.name for p in first.parent.iterdir()] == [first.name]   # no half-written file left


@needs_trim
def test_without_a_cache_folder_to_write_to_the_shipped_recogniser_is_used(tmp_path, monkeypatch, capsys):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert ocr_engine.trimmed_recogniser() is None
    assert "OCR: reading with the full recogniser" in capsys.readouterr().err
    assert "Rec.model_path" not in ocr_engine.params(None)
    # a service account with no home folder at all
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: (_ for _ in ()).throw(RuntimeError("no home"))))
    assert ocr_engine.cache_folder() is None and ocr_engine.trimmed_recogniser() is None


@needs_trim
def test_a_trimmed_recogniser_that_cannot_be_written_leaves_nothing_half_made(tmp_path, monkeypatch, capsys):
    import onnx

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))

    def disk_full(model, path):
        Path(path).write_bytes(b"half a model")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(onnx, "save", disk_full)
    assert ocr_engine.trimmed_recogniser() is None
    assert "No space left on device" in capsys.readouterr().err
    assert list((tmp_path / "plantrack" / "ocr").iterdir()) == []


def _line(*runs: tuple[int, int]):
    """Ink columns and a 20-row region for runs of ink (x0, x1) on one line of print."""
    region = np.zeros((20, max(b for _, b in runs) + 2), bool)
    for a, b in runs:
        region[3:17, a:b] = True
    inked = np.flatnonzero(region.sum(axis=0) >= 2)
    return inked, region


def test_a_sliver_of_the_next_word_in_a_box_is_not_a_word_of_its_own():
    # "Thursday," as letters 9 px wide with 3 px between them, then a space and 2 px of the "1" of "12"
    letters = [(i * 12, i * 12 + 9) for i in range(9)]
    inked, region = _line(*letters, (9 * 12 + 10, 9 * 12 + 12))
    assert ocr.split_at_gaps("Thursday,", inked, region) == [("Thursday,", 0.0, 105.0)]
    # the same at the front: the tail of the word before
    inked, region = _line((0, 2), *[(a + 13, b + 13) for a, b in letters])
    assert ocr.split_at_gaps("Thursday,", inked, region) == [("Thursday,", 13.0, 118.0)]


def test_words_run_together_are_still_cut_where_their_letters_fit():
    # "SAFEGUARDINGSUB": twelve letters, a space's gap, three letters
    first = [(i * 12, i * 12 + 9) for i in range(12)]
    second = [(156 + i * 12, 156 + i * 12 + 9) for i in range(3)]
    inked, region = _line(*first, *second)
    assert [part for part, _, _ in ocr.split_at_gaps("SAFEGUARDINGSUB", inked, region)] == ["SAFEGUARDING", "SUB"]


@needs_trim
def test_lines_read_narrower_keep_their_words_in_place(minutes_picture):
    """Each line is read 0.8 times as wide as printed: the words come out as at full width, and each
    word's box where the full-width reading puts it (the place of a word is how tables are read)."""
    from rapidocr import RapidOCR

    full = RapidOCR(params=ocr_engine.params())(minutes_picture)
    narrow = ocr_engine.engine()(minutes_picture)

    def boxes(result):
        """Each word's left and right edge, keyed by its text and how many times it came before."""
        seen: dict[str, int] = {}
        out = {}
        for line in result.word_results:
            for text, _, box in line:
                seen[text] = seen.get(text, 0) + 1
                out[text, seen[text]] = (min(p[0] for p in box), max(p[0] for p in box))
        return out

    wide, slim = boxes(full), boxes(narrow)
    same = wide.keys() & slim.keys()
    assert len(same) >= 0.8 * len(wide)   # RapidOCR cuts a line into words by its columns, not always alike
    assert "Minutes of the meeting held on Thursday, 12 December 2019 at 1.45 pm" in narrow.txts
    for key in same:
        (a0, a1), (b0, b1) = wide[key], slim[key]
        assert abs(a0 - b0) <= 12 and abs(a1 - b1) <= 12, (key, wide[key], slim[key])
