"""Charts drawn once per data version: a cache of rendered charts (SVG text, PNG bytes) keyed by a hash of the chart's
data, the output format and the drawing code's style.

Drawing a chart with matplotlib costs 0,15–0,3 s (constrained layout lays the text out several times); the plan has
eleven of them and HTML, PDF and Word draw the same ones. The key is SHA-256 over

* the chart specification as JSON (every data value, label and option: a data change is a new key),
* the format and resolution (SVG, or PNG at a dpi),
* the style: the source of `legeplan.report.charts` (colours, sizes, rc parameters, drawing code) and matplotlib's
  version, so a code or library upgrade never serves an old drawing.

Two levels: a bounded in-memory LRU (per process; thread-safe, the web app draws from worker threads) and, optionally,
files under the user's cache folder, so the next `legeplan report` run does not draw unchanged charts again. The folder
is `LEGEPLAN_CACHE_DIR/charts` when that variable is set (an empty value or `0`/`off` turns the disk level off), else
the platform's user cache folder (`$XDG_CACHE_HOME/legeplan/charts`, `~/.cache/legeplan/charts`,
`~/Library/Caches/legeplan/charts`, `%LOCALAPPDATA%\\legeplan\\charts`). A folder that cannot be written is ignored:
the cache is an optimisation, never a reason for a report to fail.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable
from functools import cache
from importlib.metadata import version
from pathlib import Path

from legeplan.report.kept import KeptResults

#: Charts kept in memory (a plan has about a dozen; the web app's dashboards add a few per municipality).
MEMORY_ENTRIES = 256
#: Files kept on disk; beyond it the oldest are removed (a chart is 20–150 kB, so about 100 MB at most).
DISK_ENTRIES = 1000
_OFF = ("", "0", "off", "no", "nei", "false")


@cache
def style_version() -> str:
    """What a drawing depends on besides its data: the charts module's source (style and drawing code) and
    matplotlib's version."""
    from legeplan.report import charts

    digest = hashlib.sha256(version("matplotlib").encode())
    digest.update(Path(charts.__file__).read_bytes())
    return digest.hexdigest()[:16]


def cache_folder() -> Path | None:
    """The disk level's folder, or None when it is turned off (read on every miss, so tests can point it away)."""
    configured = os.environ.get("LEGEPLAN_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in _OFF else Path(configured) / "charts"
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "legeplan" / "charts"


class ChartCache(KeptResults[bytes]):
    """The two levels for charts (`legeplan.report.kept`): files under `cache_folder()`, in sub-folders by the
    key's first two characters."""

    def __init__(self, entries: int = MEMORY_ENTRIES) -> None:
        super().__init__(entries, DISK_ENTRIES)

    @staticmethod
    def key(spec_json: str, kind: str) -> str:
        """`kind` is the format with its options, e.g. «svg» or «png-200»."""
        digest = hashlib.sha256(f"{style_version()}\0{kind}\0".encode())
        digest.update(spec_json.encode())
        return f"{digest.hexdigest()}.{kind.split('-')[0]}"

    def get_or_draw(self, spec_json: str, kind: str, draw: Callable[[], bytes]) -> bytes:
        return self.get_or_make(self.key(spec_json, kind), draw)

    def folder(self) -> Path | None:
        return cache_folder()

    def path(self, folder: Path, key: str) -> Path:
        return folder / key[:2] / key

    def stored_files(self, folder: Path) -> list[Path]:
        return [path for path in folder.glob("*/*") if path.suffix in (".svg", ".png")]

    def encode(self, value: bytes) -> bytes:
        return value

    def decode(self, key: str, data: bytes) -> bytes | None:
        # A truncated or foreign file is a miss, never a broken figure.
        valid = (
            data.startswith(b"\x89PNG")
            if key.endswith(".png")
            else data.startswith(b"<svg") and data.rstrip().endswith(b"</svg>")
        )
        return data if valid else None


#: The process's chart cache (used by `charts.to_svg` and `charts.to_png`).
CHARTS = ChartCache()
