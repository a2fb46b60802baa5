"""Validating rows without building models: ``RowValidator`` runs each field's own validator and
the type check pydantic makes after it; a row it is not sure of goes to the model."""
from __future__ import annotations

import math
import types
from datetime import date
from typing import Annotated, Any, Callable, Union, get_args, get_origin

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from facts.dates import fiscal_year_of
from facts.records import Record

_MISSING = object()


class RowValidator:
    """The field values of one record type's raw rows, as the model would validate them, without
    building a model: each field's own validator (memoised per text value: validators are pure),
    then the type check pydantic makes after it, and the record type's ``settle`` rules.

    ``values(raw)`` returns the canonical field values (data fields in field order, ``None`` for
    an absent optional field) of a row the model accepts with nothing but these steps, and
    ``None`` for any other row (a missing value, a value its validator rejects, anything
    unusual): the caller validates that row with the model itself, which says what is wrong in
    its own words. So a row is never accepted here that the model would reject."""

    def __init__(self, cls: type[Record]):
        self.cls = cls
        # (name, validator, type, required, default, memo: text -> value)
        self.fields = [(name, *_field_check(info), {}) for name, info in cls.model_fields.items()
                       if name != "provenance"]
        self.names = frozenset(name for name, *_ in self.fields)

    def values(self, raw: dict[str, Any]) -> dict[str, Any] | None:
        if not self.names.issuperset(raw):
            return None
        out: dict[str, Any] = {}
        get = raw.get
        for name, check, kind, required, default, memo in self.fields:
            value = get(name)
            if value is None or (type(value) is str and not value.strip()):  # blank: absent
                if required:
                    return None
                out[name] = default
                continue
            result = memo.get(value, _MISSING) if type(value) is str else _MISSING
            if result is _MISSING:
                try:
                    result = check(value)
                except (ValueError, TypeError, PydanticCustomError):
                    return None
                if type(result) is not kind or (kind is float and not math.isfinite(result)):
                    return None
                if type(value) is str:
                    if len(memo) > 200_000:  # ids and names barely repeat: keep the memo small
                        memo.clear()
                    memo[value] = result
            out[name] = result
        try:
            self.cls.settle(out)
        except (ValueError, PydanticCustomError):
            return None
        return out


def _field_check(info: Any) -> tuple[Callable[[Any], Any], type, bool, Any]:
    """(before-validator, the type it must give, required, default) of a model field."""
    annotation, metadata = info.annotation, list(info.metadata)
    if get_origin(annotation) in (Union, types.UnionType):  # X | None
        [annotation] = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) is Annotated:
        annotation, *extra = get_args(annotation)
        metadata += extra
    [check] = [m.func for m in metadata if isinstance(m, BeforeValidator)]
    if annotation not in (str, int, float, date):
        raise TypeError(f"RowValidator: no fast check for a field of type {annotation!r}")
    return check, annotation, info.is_required(), None if info.is_required() else info.default


def year_of(cls: type[Record], values: dict[str, Any]) -> int | None:
    """The fiscal year a record is stored under: its own, or that of its date (``year_from``)."""
    if "fiscal_year" in values:
        return values["fiscal_year"]
    if cls.year_from is not None:
        return fiscal_year_of(values[cls.year_from])
    return None
