"""Hypothesis strategies shared by the engines' property tests: arbitrary JSON-like documents, valid documents with
one part replaced, and the check that a validator either accepts or raises the engine's own Norwegian error."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: LEGEPLAN_FUZZ=deep runs the fuzz tests with many more generated inputs (docs/testing.md); CI runs the default.
DEEP = os.environ.get("LEGEPLAN_FUZZ", "").strip().lower() == "deep"


def fuzz_examples(ci: int, deep: int) -> int:
    """Generated inputs per run: `ci` in the normal run, `deep` with LEGEPLAN_FUZZ=deep."""
    return deep if DEEP else ci


#: Property tests of validators: bounded cost in CI, reproducible.
VALIDATOR_SETTINGS = settings(
    max_examples=fuzz_examples(ci=60, deep=500),
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)

ODD_TEXT = st.sampled_from(
    ["", " ", "nan", "inf", "-1", "0", "1e999", "9" * 40, "2024-02-30", "31.12.2024", "æøå", "$x^2$", "\x00", "\ud7ff"]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    ODD_TEXT,
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.one_of(st.text(max_size=8), ODD_TEXT), children, max_size=4)
    ),
    max_leaves=12,
)

#: English from Python, Pydantic or a library; an engine's own messages are Norwegian.
ENGLISH = re.compile(
    r"object has no attribute|not supported between|invalid literal|could not convert|unhashable|is not iterable|"
    r"takes \d+ positional|unsupported operand|Input should|Field required|list index out of range|"
    r"object is not subscriptable|must be real number|cannot convert|out of range|division by zero|"
    r"Expecting value|Invalid|Traceback|NoneType|codec can't|maximum recursion|Extra inputs|Value error",
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            found += _paths(value, (*prefix, index))
    return found


def _replace(doc: Any, path: tuple[Any, ...], value: Any, delete: bool) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(doc, dict):
        copy = dict(doc)
        if delete and not rest:
            copy.pop(head, None)
        else:
            copy[head] = _replace(doc[head], rest, value, delete)
        return copy
    copy_list = list(doc)
    if delete and not rest:
        copy_list.pop(head)
    else:
        copy_list[head] = _replace(doc[head], rest, value, delete)
    return copy_list


@st.composite
def mutated(draw: st.DrawFn, valid: Any, changes: int = 2) -> Any:
    """`valid` with up to `changes` parts replaced by arbitrary JSON, deleted, or given an extra key."""
    doc = valid
    for _ in range(draw(st.integers(1, changes))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths[1:] if len(paths) > 1 else paths))
        action = draw(st.sampled_from(["replace", "replace", "delete", "odd"]))
        if action == "delete" and path:
            doc = _replace(doc, path, None, True)
        elif action == "odd":
            doc = _replace(doc, path, draw(ODD_TEXT | st.integers() | st.floats()), False)
        else:
            doc = _replace(doc, path, draw(JSON), False)
    return doc


def accepts_or_refuses(parse: Callable[[], Any], *own: type[BaseException]) -> Any:
    """The parser's result, or None when it raised one of `own` with a Norwegian message; anything else fails."""
    try:
        return parse()
    except own as error:
        message = str(error)
        assert message.strip(), f"{type(error).__name__} without a message"
        assert not ENGLISH.search(message), f"English in {type(error).__name__}: {message}"
        return None
