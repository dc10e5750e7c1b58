"""The two-level cache under the charts and the simulation: memory before disk, the least recently written files
pruned beyond the limit, a file that does not decode a miss, and an unwritable folder ignored."""

from __future__ import annotations

from pathlib import Path

from legeplan.report.kept import PRUNE_EVERY, KeptResults


class Texts(KeptResults[str]):
    def __init__(self, folder: Path | None, disk_entries: int = 1000) -> None:
        super().__init__(memory_entries=4, disk_entries=disk_entries)
        self._folder = folder

    def folder(self) -> Path | None:
        return self._folder

    def stored_files(self, folder: Path) -> list[Path]:
        return list(folder.iterdir())

    def encode(self, value: str) -> bytes:
        return f"ok:{value}".encode()

    def decode(self, key: str, data: bytes) -> str | None:
        text = data.decode()
        return text[3:] if text.startswith("ok:") else None


def test_memory_then_disk_then_made(tmp_path: Path) -> None:
    kept = Texts(tmp_path)
    made: list[str] = []

    def make_a() -> str:
        made.append("a")
        return "A"

    assert kept.get_or_make("a", make_a) == "A"
    assert kept.get_or_make("a", lambda: "x") == "A" and kept.hits == 1
    kept.clear()
    assert kept.get_or_make("a", lambda: "x") == "A" and kept.disk_hits == 1 and made == ["a"]
    (tmp_path / "a").write_bytes(b"foreign")
    kept.clear()
    assert kept.get_or_make("a", lambda: "B") == "B" and kept.misses == 1  # a foreign file is a miss


def test_files_beyond_the_limit_are_pruned_oldest_first(tmp_path: Path) -> None:
    kept = Texts(tmp_path, disk_entries=10)
    for number in range(PRUNE_EVERY):
        kept.get_or_make(f"k{number:03d}", str(number).strip)
    names = sorted(path.name for path in tmp_path.iterdir())
    assert len(names) == 10 and "k049" in names and not list(tmp_path.glob("*.tmp"))


def test_an_unwritable_or_absent_folder_is_only_slower(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    for folder in (blocked / "below", None):
        kept = Texts(folder)
        assert kept.get_or_make("a", lambda: "A") == "A"
        kept.clear()
        assert kept.get_or_make("a", lambda: "A2") == "A2" and kept.misses == 1
