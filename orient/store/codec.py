"""The compiled rules as JSON, so that a store holds data, never code.

The rules (`orient.engine.model.RuleSet` and its conditions) are a tree of a few
known classes. They are written as plain JSON with the class named; reading
accepts only the classes of `orient.engine.model` and `orient.engine.conditions`
(anything else is refused), so a store file or a shared server can at worst give
wrong data — which the content key detects — never run code, as a pickle could.
"""

from __future__ import annotations

import functools
import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

FORMAT = 1
_UNBOUND = {"conditions.Ref": ("target",)}


class CodecError(ValueError):
    """The JSON does not describe rules this code knows."""


def _classes() -> dict[str, type]:
    from orient.engine import conditions, model

    found = {}
    for module in (conditions, model):
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__:
                found[f"{module.__name__.rsplit('.', 1)[1]}.{value.__name__}"] = value
    return found


@functools.lru_cache(maxsize=None)
def _attributes(cls: type) -> tuple[str, ...]:
    if _is_record(cls):
        return cls._fields
    names: list[str] = []
    for klass in reversed(cls.__mro__):
        for name in klass.__dict__.get("__slots__", ()):
            if name not in names:
                names.append(name)
    return tuple(names)


def _is_record(cls: type) -> bool:
    """A NamedTuple of the engine's model (a tuple with named fields)."""
    return issubclass(cls, tuple) and hasattr(cls, "_fields")


def _encode(value: Any, names: dict[type, str]) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [_encode(v, names) for v in value]
    if isinstance(value, tuple) and type(value) not in names:
        return {"t": [_encode(v, names) for v in value]}
    if isinstance(value, frozenset):
        return {"fs": [_encode(v, names) for v in value]}
    if isinstance(value, dict):
        return {"d": [[_encode(k, names), _encode(v, names)] for k, v in value.items()]}
    if isinstance(value, datetime):
        zone = getattr(value.tzinfo, "key", None)
        return {"dt": value.replace(tzinfo=None).isoformat() if zone else value.isoformat(), "tz": zone}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    name = names.get(type(value))
    if name is None:
        raise CodecError(f"cannot store a {type(value).__name__}")
    # A reference is stored by name and bound again after reading (as the loader binds it):
    # the definitions are written once, not copied at every use.
    skipped = _UNBOUND.get(name, ())
    return {"o": name, "f": {a: _encode(getattr(value, a), names) for a in _attributes(type(value))
                             if a not in skipped and hasattr(value, a)}}


class _Attributes(dict):
    """A JSON object that is none of the tagged forms: an object's attributes ("f"), or the top."""


class _Decoder:
    """The JSON parser's object hook: each tagged object becomes its value as the parser meets it
    (innermost first), so the rules are built in one pass of the C parser. Attribute mappings are
    counted: one that is not an object's "f" (or the top) is a value this format never writes."""

    def __init__(self, classes: dict[str, type]) -> None:
        self.classes = classes
        self.refs: list = []
        self.loose = 0  # attribute mappings not yet taken by an object

    def __call__(self, value: dict) -> Any:
        if len(value) == 1:
            tag, raw = next(iter(value.items()))
            if tag == "t":
                return tuple(raw)
            if tag == "fs":
                return frozenset(raw)
            if tag == "d":
                return dict(raw)
            if tag == "date":
                return date.fromisoformat(raw)
        if "o" in value and (len(value) == 1 or (len(value) == 2 and "f" in value)):
            fields = value.get("f", _Attributes())
            if type(fields) is not _Attributes:
                raise CodecError(f"unexpected value {str(fields)[:60]}")
            if "f" in value:
                self.loose -= 1  # taken, empty or not
            return self._object(value["o"], fields)
        if "dt" in value and len(value) == 2:
            moment = datetime.fromisoformat(value["dt"])
            return moment.replace(tzinfo=ZoneInfo(value["tz"])) if value.get("tz") else moment
        self.loose += 1
        return _Attributes(value)

    def _object(self, name: Any, fields: "_Attributes") -> Any:
        cls = self.classes.get(name) if isinstance(name, str) else None
        if cls is None:
            raise CodecError(f"unknown class {str(name)[:60]}")
        allowed = _attributes(cls)
        unknown = [attribute for attribute in fields if attribute not in allowed]
        if unknown:
            raise CodecError(f"unknown attribute {cls.__name__}.{unknown[0]}")
        if _is_record(cls):
            # Every field is written: one missing would be filled by its default, silently.
            missing = [attribute for attribute in allowed if attribute not in fields]
            if missing:
                raise CodecError(f"missing attribute {cls.__name__}.{missing[0]}")
            obj = cls(**fields)
        else:
            obj = object.__new__(cls)
            for attribute, raw in fields.items():
                object.__setattr__(obj, attribute, raw)
        if name in _UNBOUND:
            self.refs.append(obj)
        return obj


def dumps_rules(rules: Any) -> str:
    """The rule set as JSON text."""
    names = {cls: name for name, cls in _classes().items()}
    return json.dumps({"format": FORMAT, "rules": _encode(rules, names)}, ensure_ascii=False,
                      separators=(",", ":"))


def loads_rules(text: str) -> Any:
    """The rule set written by `dumps_rules`; CodecError for anything else."""
    decoder = _Decoder(_classes())
    try:
        data = json.loads(text, object_hook=decoder)
    except CodecError:
        raise
    except (TypeError, KeyError, AttributeError, ValueError) as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise CodecError(f"not JSON ({exc})") from None
        raise CodecError(f"damaged ({type(exc).__name__})") from None
    if type(data) is not _Attributes or data.get("format") != FORMAT:
        raise CodecError("another format of stored rules")
    if decoder.loose != 1 or "rules" not in data:  # the top is the one mapping no object takes
        raise CodecError("unexpected value")
    try:
        rules = data["rules"]
        for ref in decoder.refs:
            ref.target = rules.definitions[ref.name]
        return rules
    except (TypeError, KeyError, AttributeError) as exc:
        raise CodecError(f"damaged ({type(exc).__name__})") from None
