"""The OCR engine: RapidOCR on onnxruntime, built once per worker process and set up for English print.

The recogniser shipped in RapidOCR's wheel is made for Chinese and English: its last layer scores every
column of a line against 18,710 characters, and that layer was a quarter of its time on our pages. A
copy of the model keeping only the characters a UK paper prints (Latin letters with their accents,
digits, punctuation, currency signs, bullets, ticks and arrows: `kept`) gives the same line wherever
the full model read one of those, which on English print is every line (77 lines of scanned minutes
compared, none differed). The copy is made once, from the wheel's own file, with the `onnx` package, and
kept in the user's cache folder (`$XDG_CACHE_HOME/plantrack/ocr`, else `~/.cache/plantrack/ocr`):
nothing is downloaded. Without `onnx`, or with no folder to write to, the full model is used.

Each line is read 0.8 times as wide as it is printed (`NARROW`): the recogniser's cost grows with a
line's width, and it was trained on long lines squeezed into a fixed width, so print a little narrower
than life reads at least as well. On the scans of the tests and of `make bench` (whose generated source
says which words are there) it missed 45 and 32 words where full width missed 51 and 45, at about
two thirds of the recogniser's time; at 0.65 letters began to drop out.

Text is found on the page scaled to at most `DETECT_SIDE` pixels (twice as fast as at full size, and
as good on printed text). Finding it on a smaller picture (960 or 1280 px) was a third faster again and
missed no more words, but the detector's boxes came out a few pixels taller or shorter, and the readers
take a line's size and place from its box: a report's title ran into the lines above it and a ruled
table's rows came apart. Lines placed by their ink rather than by the detector's box would free this.
"""
from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import sys
from pathlib import Path

DETECT_SIDE = 1600    # pixels, the page's longer side as the text finder sees it
NARROW = 0.8          # each line's width as the recogniser reads it, against its true width
TRIM_VERSION = "1"    # part of the trimmed model's file name: a change of `kept` makes a new file
SYMBOLS = "•●■□▪◦✓✔✗✘→←↑↓"


def kept(character: str) -> bool:
    """A character the trimmed recogniser can still read: Latin script with its accents and symbols
    (below U+0250: Welsh ŵ and ŷ, £, °, ½), general punctuation (dashes, curly quotes, …, †), currency
    signs (€), and the bullets, ticks and arrows of action tables."""
    if len(character) != 1:
        return False
    code = ord(character)
    return code < 0x250 or 0x2000 <= code <= 0x206F or 0x20A0 <= code <= 0x20CF or character in SYMBOLS


def cache_folder() -> Path | None:
    """Where the trimmed recogniser is kept: the user's cache folder, as the XDG convention has it
    (None for a user with no home, as a service account may be)."""
    root = os.environ.get("XDG_CACHE_HOME")
    if not root:
        try:
            root = str(Path.home() / ".cache")
        except RuntimeError:   # no $HOME and no entry in the password database
            return None
    return Path(root) / "plantrack" / "ocr"


def shipped_recogniser() -> Path | None:
    """The recognition model in RapidOCR's wheel (the one it uses by default), if there is just one."""
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.origin:
        return None
    found = sorted((Path(spec.origin).parent / "models").glob("*rec*.onnx"))
    return found[0] if len(found) == 1 else None


def trim_recogniser(source: Path, target: Path) -> None:
    """Write to `target` a copy of the recognition model `source` that scores only the `kept`
    characters: the columns of its last MatMul and Add that feed the softmax, and the character list
    in its metadata, cut down alike. Column 0 (CTC's blank) and the last (the space) always stay."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    meta = {p.key: p for p in model.metadata_props}
    characters = meta["character"].value.splitlines()
    columns = [0] + [i for i, c in enumerate(characters, 1) if kept(c)] + [len(characters) + 1]
    producers = {out: node for node in graph.node for out in node.output}
    softmax = producers[graph.output[0].name]
    add = producers[softmax.input[0]] if softmax.op_type == "Softmax" else None
    add = producers[add.input[0]] if add is not None and add.op_type == "Identity" else add
    matmul = producers.get(add.input[0]) if add is not None and add.op_type == "Add" else None
    if matmul is None or matmul.op_type != "MatMul":
        raise ValueError(f"{source.name}: not a recogniser ending in MatMul, Add, Softmax")
    weights = {init.name: init for init in graph.initializer}
    for name, axis in ((matmul.input[1], 1), (add.input[1], 0)):
        values = numpy_helper.to_array(weights[name])
        if values.shape[-1] != len(characters) + 2:
            raise ValueError(f"{source.name}: {name} has {values.shape[-1]} columns for {len(characters) + 2} characters")
        weights[name].CopyFrom(numpy_helper.from_array(np.ascontiguousarray(np.take(values, columns, axis=axis)), name))
    out_shape = graph.output[0].type.tensor_type.shape
    if out_shape.dim:
        out_shape.dim[-1].Clear()
        out_shape.dim[-1].dim_value = len(columns)
    meta["character"].value = "\n".join(characters[i - 1] for i in columns[1:-1])
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f"{target.name}.{os.getpid()}.part")
    try:
        onnx.save(model, str(part))
        os.replace(part, target)   # whole or not at all: two workers may make it at once
    finally:
        part.unlink(missing_ok=True)


def trimmed_recogniser() -> Path | None:
    """The trimmed copy of the shipped recogniser, made now if it is not in the cache yet; None when it
    cannot be had (no `onnx`, an unexpected model, no cache folder to write to): the full model is then
    used, slower and reading the same."""
    source, folder = shipped_recogniser(), cache_folder()
    if source is None or folder is None:
        return None
    target = folder / f"{source.stem}.latin{TRIM_VERSION}.{source.stat().st_size}.onnx"
    if target.exists():
        return target
    if importlib.util.find_spec("onnx") is None:
        return None
    try:
        trim_recogniser(source, target)
    except (OSError, ValueError, KeyError) as exc:
        print(f"OCR: reading with the full recogniser ({exc})", file=sys.stderr)
        return None
    return target


def narrowed(resize_norm_img, narrow: float = NARROW):
    """RapidOCR's line resizing (to 48 px high, padded to the widest line of the batch) with each line
    `narrow` times as wide. The line and the padded width shrink alike, so the share of the input a
    line fills, from which RapidOCR places each word on the page, stays true."""
    def resize(img, max_wh_ratio: float):
        import cv2

        h, w = img.shape[:2]
        shrunk = max(1, int(round(w * narrow)))
        return resize_norm_img(cv2.resize(img, (shrunk, h), interpolation=cv2.INTER_AREA),
                               max(max_wh_ratio * narrow, shrunk / h))
    return resize


@contextlib.contextmanager
def _model_list_parsed_once():
    """While RapidOCR is imported and built, each YAML file it loads is parsed once. Its import loads
    its 1,600-line list of downloadable models (default_models.yaml) into OmegaConf twice — once for
    the language routes, once for the model addresses — and building that config object is most of
    the engine's start-up (about 0.4 s each on this machine). Both only read it, so they can share
    one; nothing else of OmegaConf changes, and it is put back as it was."""
    from omegaconf import OmegaConf

    own = OmegaConf.__dict__["load"]
    parsed: dict[str, object] = {}

    def load(file_):
        if not isinstance(file_, (str, Path)):
            return own.__func__(file_)
        key = str(Path(file_).resolve())
        if key not in parsed:
            parsed[key] = own.__func__(file_)
        return parsed[key]

    OmegaConf.load = staticmethod(load)
    try:
        yield
    finally:
        OmegaConf.load = own


def params(recogniser: Path | None = None) -> dict:
    """RapidOCR's settings for a worker (`recogniser`: a recognition model in place of the shipped one).

    One thread: `plantrack run` already reads one document per core. No angle classifier: pages are
    deskewed first, and the classifier turned some long upright lines upside down ("RE e d eect").
    Text is found on the page scaled to at most DETECT_SIDE px; each line is then read from the
    full-resolution picture. Lines are recognised one at a time (Rec.rec_batch_num 1): the
    recogniser's cost grows with the width it is given, and in a batch every line is padded to the
    widest, which cost a quarter more and misread a few lines next to the padding ("held on10
    October"). ONNX Runtime keeps its memory arena between calls rather than allocating afresh for
    every line's shape."""
    settings = {"Global.log_level": "error", "Global.use_cls": False, "Global.return_word_box": True,
                "Det.limit_type": "max", "Det.limit_side_len": DETECT_SIDE, "Rec.rec_batch_num": 1,
                "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                "EngineConfig.onnxruntime.enable_cpu_mem_arena": True}
    if recogniser is not None:
        settings["Rec.model_path"] = str(recogniser)
    return settings


@functools.lru_cache(maxsize=1)
def engine():
    """The OCR engine, built once per worker process: loading the models and RapidOCR's own import
    take a second or more, a page's reading about as long."""
    with _model_list_parsed_once():
        from rapidocr import RapidOCR

        built = RapidOCR(params=params(trimmed_recogniser()))
    # RapidOCR loads its recogniser when first asked for it; it is loaded now so that its line resizing
    # can be narrowed (a RapidOCR without these names reads lines at full width)
    recogniser = getattr(built, "_load_rec_model", lambda: None)()
    if recogniser is not None and hasattr(recogniser, "resize_norm_img"):
        recogniser.resize_norm_img = narrowed(recogniser.resize_norm_img)
    return built
