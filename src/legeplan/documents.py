"""Reading the TOML/JSON input files every engine accepts (scenarios, rota problems, institutions, ...).

One reader, so a user gets the same Norwegian message for a missing file, an unknown suffix, a syntax error, a
file that is too large or nested too deeply whichever command they ran; each engine passes its own exception type
so callers keep catching what they did. No input file can crash a command: every failure is `error`.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

DOCUMENT_SUFFIXES = (".toml", ".json")
#: The largest input document read (the largest real one, a year's rota problem for 60 doctors, is under 1 MB).
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: The deepest nesting of tables and lists accepted (real documents nest four or five levels).
MAX_DEPTH = 32


def check_size(file: Path, error: type[Exception], limit: int = MAX_DOCUMENT_BYTES) -> None:
    """Raise `error` naming the file when it is larger than `limit` bytes."""
    size = file.stat().st_size
    if size > limit:
        raise error(f"{file}: filen er for stor ({_megabytes(size)} MB; grensen er {_megabytes(limit)} MB)")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0")


def nesting_depth(data: object, limit: int = MAX_DEPTH) -> int:
    """How deeply `data` nests dicts and lists, counted without recursion; stops counting past `limit`."""
    deepest = 0
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth + 1)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def check_depth(data: object, source: str, error: type[Exception]) -> None:
    """Raise `error` naming `source` when `data` nests deeper than MAX_DEPTH."""
    if nesting_depth(data) > MAX_DEPTH:
        raise error(f"{source}: er nestet for dypt (mer enn {MAX_DEPTH} nivåer med tabeller og lister)")


def parse_json(text: str, source: str, error: type[Exception]) -> Any:
    """JSON text parsed, any problem (syntax, nesting, enormous numbers) raised as `error` naming `source`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(
            f"{source}: ugyldig JSON (linje {exc.lineno}, kolonne {exc.colno}): {_json_reason(exc.msg)}"
        ) from exc
    except RecursionError as exc:
        raise error(f"{source}: er nestet for dypt (mer enn {MAX_DEPTH} nivåer med tabeller og lister)") from exc
    except ValueError as exc:  # an integer of more than 4 300 digits
        raise error(f"{source}: ugyldig JSON: et tall er for langt") from exc
    check_depth(data, source, error)
    return data


#: The JSON decoder's messages in Norwegian.
_JSON_REASONS = {
    "Expecting value": "forventet en verdi",
    "Expecting property name enclosed in double quotes": "forventet et feltnavn i doble anførselstegn",
    "Expecting ',' delimiter": "forventet komma",
    "Expecting ':' delimiter": "forventet kolon",
    "Extra data": "ekstra tekst etter slutten",
    "Unterminated string starting at": "tekst uten avsluttende anførselstegn",
    "Invalid control character at": "ugyldig kontrolltegn",
    "Invalid \\escape": "ugyldig \\-sekvens",
    "Invalid \\uXXXX escape": "ugyldig \\u-sekvens",
}


def _json_reason(message: str) -> str:
    return next((norsk for english, norsk in _JSON_REASONS.items() if message.startswith(english)), message)


def read_text(path: Path | str, error: type[Exception], limit: int = MAX_DOCUMENT_BYTES) -> str:
    """The UTF-8 text of a file of at most `limit` bytes; any problem is raised as `error` naming the file."""
    file = Path(path)
    if not file.is_file():
        raise error(f"{file}: filen finnes ikke")
    try:
        check_size(file, error, limit)
        return file.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{file}: kan ikke leses ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{file}: er ikke UTF-8-tekst (byte {exc.start})") from exc


def read_json(path: Path | str, error: type[Exception], limit: int = MAX_DOCUMENT_BYTES) -> Any:
    """A JSON file parsed (size, encoding, syntax and nesting checked); any problem is raised as `error`."""
    return parse_json(read_text(path, error, limit), str(path), error)


def read_document(path: Path | str, error: type[Exception], *, other_suffixes: tuple[str, ...] = ()) -> Any:
    """The parsed content of a .toml or .json file; any problem is raised as `error` naming the file.

    `other_suffixes` are accepted by the caller through another reader; they are only listed in the message.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        names = (*DOCUMENT_SUFFIXES, *other_suffixes)
        allowed = f"{', '.join(names[:-1])} eller {names[-1]}"
        raise error(f"{file}: ukjent filtype «{suffix or 'uten endelse'}», bruk {allowed}")
    text = read_text(file, error)
    if suffix == ".json":
        return parse_json(text, str(file), error)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{file}: ugyldig TOML: {_toml_reason(str(exc))}") from exc
    except RecursionError as exc:
        raise error(f"{file}: er nestet for dypt (mer enn {MAX_DEPTH} nivåer med tabeller og lister)") from exc
    except ValueError as exc:  # an integer of more than 4 300 digits
        raise error(f"{file}: ugyldig TOML: et tall er for langt") from exc
    check_depth(data, str(file), error)
    return data


def _toml_reason(message: str) -> str:
    """tomllib's «Invalid value (at line 3, column 5)» as «ugyldig verdi (linje 3, kolonne 5)»."""
    reason, _, where = message.partition(" (at ")
    place = ""
    if where.startswith("line "):
        line, _, column = where.removeprefix("line ").rstrip(")").partition(", column ")
        place = f" (linje {line}, kolonne {column})" if column else f" (linje {line})"
    elif where.startswith("end of document"):
        place = " (ved slutten av filen)"
    return f"{_TOML_REASONS.get(reason, reason)}{place}"


#: tomllib's most common messages in Norwegian.
_TOML_REASONS = {
    "Invalid value": "ugyldig verdi",
    "Invalid statement": "ugyldig linje",
    "Expected '=' after a key in a key/value pair": "forventet «=» etter nøkkelen",
    "Unclosed array": "liste uten avsluttende «]»",
    "Unclosed inline table": "tabell uten avsluttende «}»",
    "Unterminated string": "tekst uten avsluttende anførselstegn",
    "Cannot overwrite a value": "verdien er oppgitt to ganger",
    "Cannot declare": "tabellen er oppgitt to ganger",
    "Invalid initial character for a key part": "ugyldig tegn i nøkkelen",
    "Expected newline or end of document after a statement": "forventet linjeskift etter verdien",
    "Illegal character": "ugyldig tegn",
    "Invalid date or datetime": "ugyldig dato",
}
