"""Input rules for everything a user types: text fields, user names and passwords. Messages are Norwegian.

* Every text field is Unicode NFC-normalised, may not hold control, zero-width or bidirectional-override characters
  (which hide or reorder text on screen) and has a maximum length (`FIELD_LIMITS`, else `DEFAULT_MAX_LENGTH`).
* User names: 3–40 characters, Latin letters (æ, ø, å, Sami letters included), digits and ``. _ - @``, starting with
  a letter or digit. A new name is refused when its look-alike skeleton equals an existing one (``Ola``, ``ola``,
  ``0la``, ``оla`` with a Cyrillic о).
* Passwords: 12–256 characters, not a common password (a shipped list, also with digits or symbols added at the ends
  and l33t spelling), not containing the user name, no run of four repeated or consecutive characters
  (``aaaa``, ``1234``, ``dcba``, ``qwer``) and at least five different characters.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib.resources import files

from legeplan.i18n import text
from legeplan.text_rules import FORBIDDEN_CHARACTERS, LINE_BREAKS, InputError, clean_text

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
USERNAME_MIN, USERNAME_MAX = 3, 40
#: Most deeply nested JSON body accepted; real bodies here are two levels deep.
MAX_JSON_DEPTH = 20

# --- user names ------------------------------------------------------------------------------------------------------

#: Letters from other scripts that look like Latin ones, and Latin/digit look-alikes, mapped to one representative.
_CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
        "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "l", "ї": "l", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w",
        "һ": "h", "ӏ": "l", "г": "r",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "l", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
        "υ": "u", "χ": "x", "γ": "y", "ω": "w",
        # Latin and digits that are easily mistaken for each other
        "0": "o", "1": "l", "i": "l", "|": "l", "ı": "l", "5": "s", "ø": "o", "æ": "ae", "ß": "ss",
        "_": "-", ".": "-",
    }
)  # fmt: skip
_MULTI = (("rn", "m"), ("vv", "w"), ("cl", "d"))


def skeleton(name: str) -> str:
    """A look-alike key: NFKC, case-folded, accents removed, confusable letters mapped to one representative.
    Two user names with the same skeleton are too easy to mistake for each other."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    stripped = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    mapped = stripped.translate(_CONFUSABLES)
    for pair, single in _MULTI:
        mapped = mapped.replace(pair, single)
    return mapped


def _latin_or_digit(char: str) -> bool:
    if char.isdigit():
        return "0" <= char <= "9"
    return char.isalpha() and unicodedata.name(char, "").startswith("LATIN ")


def username_problem(username: str, existing: list[str]) -> str | None:
    """Why `username` cannot be a new user's name, or None."""
    if not username:
        return text("error.required")
    try:
        username = clean_text(username, USERNAME_MAX)
    except InputError as error:
        return str(error)
    if len(username) < USERNAME_MIN:
        return text("input.username_short", limit=USERNAME_MIN)
    if not _latin_or_digit(username[0]) or not all(_latin_or_digit(c) or c in "._-@" for c in username):
        return text("input.username_chars")
    key = skeleton(username)
    clash = next((other for other in existing if skeleton(other) == key), None)
    if clash is not None:
        return text("error.exists") if clash == username else text("input.username_lookalike", other=clash)
    return None


# --- passwords -------------------------------------------------------------------------------------------------------

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
_SEQUENCES = ("abcdefghijklmnopqrstuvwxyzæøå", "0123456789", "qwertyuiopå", "asdfghjkløæ", "zxcvbnm", "1qaz2wsx3edc")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common and breached passwords (data/common_passwords.txt), lower case."""
    raw = files("legeplan.web").joinpath("data", "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in raw.splitlines() if line.strip() and not line.startswith("#"))


def _core(password: str) -> str:
    """The password without digits and symbols at its ends: «Sommer2024!» -> «sommer»."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.lower())


def _has_run(password: str, length: int = 4) -> bool:
    lowered = password.lower()
    for i in range(len(lowered) - length + 1):
        chunk = lowered[i : i + length]
        if len(set(chunk)) == 1:
            return True
        if any(chunk in seq or chunk[::-1] in seq for seq in _SEQUENCES):
            return True
    return False


def password_problem(password: str, username: str = "") -> str | None:
    """Why `password` is too weak, as a Norwegian sentence, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return text("users.password_short", limit=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return text("input.too_long", limit=MAX_PASSWORD_LENGTH)
    if FORBIDDEN_CHARACTERS.search(password) or LINE_BREAKS.search(password):
        return text("input.control")
    common = common_passwords()
    lowered = password.lower()
    candidates = {lowered, _core(password), lowered.translate(_LEET), _core(lowered.translate(_LEET))}
    if candidates & common:
        return text("input.password_common")
    name = username.strip().lower()
    if len(name) >= 3 and (name in lowered or skeleton(name) in skeleton(password)):
        return text("input.password_username")
    if _has_run(password):
        return text("input.password_pattern")
    if len(set(lowered)) < 5:
        return text("input.password_pattern")
    return None
