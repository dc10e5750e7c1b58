"""Reading the TOML/JSON input files every engine accepts (scenarios, rota problems, institutions, ...).

One reader, so a user gets the same Norwegian message for a missing file, an unknown suffix or a syntax error
whichever command they ran; each engine passes its own exception type so callers keep catching what they did.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

DOCUMENT_SUFFIXES = (".toml", ".json")


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
    if not file.is_file():
        raise error(f"{file}: filen finnes ikke")
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{file}: kan ikke leses ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{file}: er ikke UTF-8-tekst (byte {exc.start})") from exc
    try:
        return tomllib.loads(text) if suffix == ".toml" else json.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{file}: ugyldig TOML: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise error(f"{file}: ugyldig JSON (linje {exc.lineno}, kolonne {exc.colno}): {exc.msg}") from exc
