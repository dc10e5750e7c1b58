"""Property tests of the register validators: a changed register gives a Register or a ValidationError whose every
message is Norwegian, a CSV import gives a Register or RegisterImportError, and CSV export → import is lossless even
for names the formula guard changes on export."""

from __future__ import annotations

import zipfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from fuzz_strategies import ENGLISH, VALIDATOR_SETTINGS, accepts_or_refuses, mutated
from legeplan.i18n import validation_message
from legeplan.register.demo import demo_register
from legeplan.register.io import RegisterImportError, parse_register, write_csv
from legeplan.register.models import Register
from legeplan.safe_cells import neutralise, restore

DEMO = demo_register()
SMALL = DEMO.model_copy(
    update={"physicians": DEMO.physicians[:4], "positions": DEMO.positions[:4], "agreements": DEMO.agreements[:4]}
)
DOC = SMALL.model_dump(mode="json")


@given(data=st.data())
@VALIDATOR_SETTINGS
def test_changed_registers_validate_or_say_why_in_norwegian(data: st.DataObject) -> None:
    doc = data.draw(mutated(DOC, changes=3))
    try:
        Register.model_validate(doc)
    except ValidationError as error:
        for item in error.errors():
            message = validation_message(item)
            assert message.strip() and not ENGLISH.search(message), (item, message)


FORMULA_NAMES = st.text(alphabet="=+-@'aæ 1", min_size=1, max_size=8).filter(lambda s: s.strip() == s)


@given(name=FORMULA_NAMES)
@VALIDATOR_SETTINGS
def test_restore_undoes_neutralise(name: str) -> None:
    assert restore(neutralise(name)) == name


@given(names=st.lists(FORMULA_NAMES, min_size=1, max_size=3))
@VALIDATOR_SETTINGS
def test_csv_export_import_round_trip_keeps_formula_like_names(names: list[str], tmp_path: Path) -> None:
    physicians = tuple(d.model_copy(update={"name": names[i % len(names)]}) for i, d in enumerate(SMALL.physicians))
    register = SMALL.model_copy(update={"physicians": physicians})
    path = write_csv(register, tmp_path / "register.zip")
    back = parse_register(path)
    assert [d.name for d in back.physicians] == [d.name for d in physicians]


def test_round_trip_of_the_guarded_names_the_issue_named(tmp_path: Path) -> None:
    names = ('=HYPERLINK("x")', "'=quoted", "-Berg", "@Lie")
    physicians = tuple(d.model_copy(update={"name": n}) for d, n in zip(SMALL.physicians, names, strict=False))
    register = SMALL.model_copy(update={"physicians": physicians})
    path = write_csv(register, tmp_path / "register.zip")
    with zipfile.ZipFile(path) as archive:
        exported = archive.read("leger.csv").decode("utf-8")
    assert "'=HYPERLINK" in exported and "''=quoted" in exported  # the export stays guarded
    assert [d.name for d in parse_register(path).physicians] == [d.name for d in physicians]


@given(data=st.data())
@VALIDATOR_SETTINGS
def test_csv_imports_of_changed_cells(data: st.DataObject, tmp_path: Path) -> None:
    source = write_csv(SMALL, tmp_path / "src")
    files = sorted(source.glob("*.csv"))
    target = data.draw(st.sampled_from(files))
    lines = target.read_text(encoding="utf-8").splitlines()
    row = data.draw(st.integers(0, len(lines) - 1))
    cells = lines[row].split(";")
    column = data.draw(st.integers(0, len(cells) - 1))
    cells[column] = data.draw(
        st.text(max_size=15) | st.sampled_from(["nan", "-1", "9" * 30, "'=1", "2024-02-30", '"', "1e999", "ja"])
    )
    lines[row] = ";".join(cells)
    target.write_text("\n".join(lines), encoding="utf-8")
    archive = tmp_path / "changed.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in files:
            out.write(file, file.name)
    accepts_or_refuses(lambda: parse_register(archive), RegisterImportError)
