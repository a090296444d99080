"""A browser's upload form (multipart/form-data) read as it arrives, files straight to disk, with a cap.

python-multipart is the parser asgi-csrf (and so Datasette) already uses for the same forms; the body
is fed to it chunk by chunk, so a large upload never sits in memory, and reading stops as soon as it
passes the cap.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart import FormParser
from python_multipart.multipart import parse_options_header


class TooLarge(ValueError):
    """The upload passed the size cap; str() is the one line to show."""


@dataclass
class Received:
    fields: dict[str, str] = field(default_factory=dict)
    files: list[tuple[str, Path]] = field(default_factory=list)  # (name the browser gave, where it is now)


async def receive_form(scope: dict, receive, staging: Path, limit: int) -> Received:
    """Read the request's multipart body: text fields, and files written under `staging`."""
    headers = dict(scope.get("headers") or [])
    content_type, options = parse_options_header(headers.get(b"content-type", b""))
    if content_type != b"multipart/form-data" or b"boundary" not in options:
        raise ValueError("the upload must be sent as a form (multipart/form-data)")
    got = Received()
    files = []

    def on_field(f) -> None:
        got.fields[(f.field_name or b"").decode("utf-8", "replace")] = (f.value or b"").decode("utf-8", "replace")

    parser = FormParser("multipart/form-data", on_field, files.append, boundary=options[b"boundary"],
                        config={"UPLOAD_DIR": str(staging), "MAX_MEMORY_FILE_SIZE": 0, "UPLOAD_DELETE_TMP": False})
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            raise ValueError("the upload was cut off")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            for f in files:
                _drop(f)
            raise TooLarge(f"the upload is larger than {limit // 2 ** 20} MB (serve.upload_mb): "
                           "add fewer or smaller files at a time")
        parser.write(chunk)
        more = message.get("more_body", False)
    parser.finalize()
    for n, f in enumerate(files):
        if not f.file_name:  # the file input left empty
            _drop(f)
            continue
        if f.in_memory:  # an empty file never reaches the disk
            path = staging / f"empty-{n}"
            path.write_bytes(f.file_object.getvalue())
        else:
            f.file_object.close()
            path = Path(os.fsdecode(f.actual_file_name))
        got.files.append((f.file_name.decode("utf-8", "replace"), path))
    return got


def _drop(f) -> None:
    if not f.in_memory and f.actual_file_name:
        f.file_object.close()
        Path(os.fsdecode(f.actual_file_name)).unlink(missing_ok=True)
