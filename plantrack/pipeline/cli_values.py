"""Command-line values made into Python ones (a folder into a Path, `600` into 600.0) without pydantic
when the option's type is a plain one.

typer ≥ 0.29 coerces every option's value, given or not, through a pydantic `TypeAdapter` it builds
when the command runs: importing pydantic and building the adapters is about a fifth of a second of
every command but `--help`, most of a no-op nightly `plantrack run` beyond start-up (issue 28). typer
offers no pass-through for plain types (its `parser=` builds an adapter too), so `fast_coercion` gives
each parameter of the command being run a coercion that does what typer's own does for the values it
is sure of — a str, a Path, a list of them, a plain decimal int or float within the option's bounds —
and hands anything else (a bad number, an out-of-range one, an unreadable path) to typer's own, which
builds its adapter then and says what is wrong exactly as before.

It sets typer's per-parameter slot `_runtime_param` (typer's `_TyperParameter.get_runtime_param` fills
it lazily, once): tests/test_cli_values.py pins that slot and checks these coercions against typer's
for every option of every command, so a typer upgrade that changes either fails there, not in use.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, get_args, get_origin

_INT = re.compile(r"[0-9]{1,15}")
_FLOAT = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,15})?")


class Unsure(Exception):
    """The value is not one this module is sure of: typer's own coercion decides."""


def _number(kind: type, value: Any, info: Any) -> int | float:
    if type(value) is str and (_INT if kind is int else _FLOAT).fullmatch(value):
        number = kind(value)
    elif type(value) is kind or (kind is float and type(value) is int):
        number = kind(value)
    else:
        raise Unsure
    if (info.min is not None and number < info.min) or (info.max is not None and number > info.max):
        raise Unsure  # typer's own says how it is out of range
    return number


def _path(value: Any, info: Any) -> Path:
    if (info.exists or not info.file_okay or not info.dir_okay or info.writable or info.resolve_path
            or info.allow_dash or info.path_type is not None):
        raise Unsure
    if isinstance(value, Path):
        path = value
    elif type(value) is str:
        path = Path(value)
    else:
        raise Unsure
    try:
        os.stat(path)
    except OSError:
        return path  # not there (yet): a path option need not exist
    except ValueError:
        raise Unsure from None  # a NUL in it: typer's own says so
    if info.readable and not os.access(path, os.R_OK):
        raise Unsure
    return path


def coerce(annotation: Any, info: Any, value: Any) -> Any:
    """`value` as typer would make it for `annotation` with the option's `info` (typer's ParameterInfo),
    or Unsure."""
    if info.parser is not None or info.clamp:
        raise Unsure
    origin = get_origin(annotation)
    if origin is list:
        (item,) = get_args(annotation)
        if not isinstance(value, (list, tuple)):
            raise Unsure
        return [coerce(item, info, v) for v in value]
    if annotation is str and type(value) is str:
        return value
    if annotation is int or annotation is float:
        return _number(annotation, value, info)
    if annotation is Path:
        return _path(value, info)
    raise Unsure


class FastCoercion:
    """A parameter's coercion: the plain cases here, anything else by typer's own (built then, once)."""

    def __init__(self, param: Any) -> None:
        self.param = param
        self.descriptor = param.type_descriptor

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        multiple = param.multiple or param.nargs == -1
        if value is None:  # as typer's RuntimeParam.coerce: nothing given, nothing to make
            return () if multiple else None
        if self.descriptor.file_annotation is None and not (multiple and isinstance(value, str)):
            try:
                return coerce(self.descriptor.annotation, self.descriptor.parameter_info, value)
            except Unsure:
                pass
        param._runtime_param = None  # typer's own coercion, built by its lazy getter
        return param.get_runtime_param().coerce(value, param=param, ctx=ctx)


def fast_coercion(params: list) -> None:
    """Give every typer parameter in `params` (a command's `get_params(ctx)`, its --help too) whose
    coercion is not built yet a FastCoercion."""
    for param in params:
        if hasattr(param, "type_descriptor") and getattr(param, "_runtime_param", False) is None:
            param._runtime_param = FastCoercion(param)
