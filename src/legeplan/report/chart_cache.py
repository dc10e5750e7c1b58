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
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from importlib.metadata import version
from pathlib import Path

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


class ChartCache:
    """The two-level cache; `hits`, `disk_hits` and `misses` count lookups (for tests and the benchmark)."""

    def __init__(self, entries: int = MEMORY_ENTRIES) -> None:
        self._entries = entries
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._writes = 0
        self.hits = self.disk_hits = self.misses = 0

    @staticmethod
    def key(spec_json: str, kind: str) -> str:
        """`kind` is the format with its options, e.g. «svg» or «png-200»."""
        digest = hashlib.sha256(f"{style_version()}\0{kind}\0".encode())
        digest.update(spec_json.encode())
        return f"{digest.hexdigest()}.{kind.split('-')[0]}"

    def get_or_draw(self, spec_json: str, kind: str, draw: Callable[[], bytes]) -> bytes:
        key = self.key(spec_json, kind)
        with self._lock:
            found = self._memory.get(key)
            if found is not None:
                self._memory.move_to_end(key)
                self.hits += 1
                return found
        data = self._read(key)
        if data is not None:
            self.disk_hits += 1
        else:
            self.misses += 1
            data = draw()
            self._write(key, data)
        with self._lock:
            self._memory[key] = data
            while len(self._memory) > self._entries:
                self._memory.popitem(last=False)
        return data

    def clear(self) -> None:
        """Empties the memory level and the counters (the disk level stays: its keys stay valid)."""
        with self._lock:
            self._memory.clear()
            self.hits = self.disk_hits = self.misses = 0

    def _read(self, key: str) -> bytes | None:
        folder = cache_folder()
        if folder is None:
            return None
        try:
            data = (folder / key[:2] / key).read_bytes()
        except OSError:
            return None
        # A truncated or foreign file is a miss, never a broken figure.
        valid = (
            data.startswith(b"\x89PNG")
            if key.endswith(".png")
            else data.startswith(b"<svg") and data.rstrip().endswith(b"</svg>")
        )
        return data if valid else None

    def _write(self, key: str, data: bytes) -> None:
        folder = cache_folder()
        if folder is None:
            return
        target = folder / key[:2] / key
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f"{key}.{os.getpid()}.{threading.get_ident()}.tmp")
            partial.write_bytes(data)
            os.replace(partial, target)  # atomic: a concurrent reader sees the old file or the whole new one
        except OSError:
            return
        self._writes += 1
        if self._writes % 50 == 0:
            _prune(folder, DISK_ENTRIES)


def _prune(folder: Path, keep: int) -> None:
    """Removes the least recently written files beyond `keep`."""
    try:
        files = [path for path in folder.glob("*/*") if path.suffix in (".svg", ".png")]
        if len(files) <= keep:
            return
        files.sort(key=lambda path: path.stat().st_mtime)
        for path in files[: len(files) - keep]:
            path.unlink(missing_ok=True)
    except OSError:
        return


#: The process's chart cache (used by `charts.to_svg` and `charts.to_png`).
CHARTS = ChartCache()
