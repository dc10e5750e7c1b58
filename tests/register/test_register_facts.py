"""The register holds what the plans need: § 7 facts, exemption kinds, planned list reductions, decided and planned
hjemler. Old files without the new columns still import, every error is reported in one pass, and an existing
database upgrades with its data."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.register.demo import demo_register
from legeplan.register.io import RegisterImportError, parse_register, write_csv, write_xlsx
from legeplan.register.models import (
    ExemptionKind,
    PlannedPosition,
    PlannedPositionKind,
    ReductionReason,
    Register,
)
from legeplan.storage.repository import RegisterNotFoundError, Storage, alembic_config


def rich_register() -> Register:
    """The demo with every new fact filled in somewhere."""
    register = demo_register()
    physicians = list(register.physicians)
    physicians[0] = physicians[0].model_copy(
        update={
            "clinical_months": 30,
            "legevakter_done": 12,
            "municipal_gp_years": 2.5,
            "training_start": date(2019, 1, 1),
            "training_end": date(2024, 1, 1),
            "legevakt_exempt": True,
            "exemption_kind": ExemptionKind.HEALTH,
        }
    )
    positions = list(register.positions)
    positions[0] = positions[0].model_copy(update={"planned_reduction": 400, "reduction_reason": ReductionReason.ALIS})
    planned = (
        PlannedPosition(
            id="P14",
            municipality_code="3804",
            kind=PlannedPositionKind.GROWTH,
            year=2021,
            decided=date(2020, 11, 1),
            note="Vedtatt i kommunestyret",
        ),
        PlannedPosition(id="PA1", municipality_code="3804", kind=PlannedPositionKind.ALIS, year=2022),
        PlannedPosition(
            id="PE1", municipality_code="3804", kind=PlannedPositionKind.REPLACEMENT, year=2023, replaces="H001"
        ),
    )
    return register.model_copy(
        update={"physicians": tuple(physicians), "positions": tuple(positions), "planned_positions": planned}
    )


@pytest.mark.parametrize("suffix", [".xlsx", ".zip", ""])
def test_new_facts_round_trip_through_files(tmp_path: Path, suffix: str) -> None:
    register = rich_register()
    out = tmp_path / f"register{suffix}"
    write_xlsx(register, out) if suffix == ".xlsx" else write_csv(register, out)
    assert parse_register(out) == register


def test_new_facts_round_trip_through_the_database(tmp_path: Path) -> None:
    storage = Storage(f"sqlite:///{tmp_path / 'db.sqlite'}")
    register = rich_register()
    storage.save_register(register)
    assert storage.load_register("3804") == register
    storage.dispose()


def _drop_columns(folder: Path, sheet: str, columns: set[str]) -> None:
    path = folder / f"{sheet}.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    keep = [i for i, header in enumerate(rows[0]) if header not in columns]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows([[row[i] for i in keep] for row in rows])


def test_an_old_file_without_the_new_columns_still_imports(tmp_path: Path) -> None:
    folder = write_csv(demo_register(), tmp_path / "old")
    _drop_columns(
        folder,
        "leger",
        {
            "fritak_type",
            "kliniske_maaneder",
            "legevakter_gjort",
            "ar_fastlege_i_kommunen",
            "utdanning_start",
            "utdanning_slutt",
        },
    )
    _drop_columns(folder, "hjemler", {"listereduksjon", "reduksjon_grunn"})
    (folder / "planlagte_hjemler.csv").unlink()
    demo = demo_register()
    without_kinds = tuple(p.model_copy(update={"exemption_kind": None}) for p in demo.physicians)
    assert parse_register(folder) == demo.model_copy(update={"physicians": without_kinds})


def _edit(folder: Path, sheet: str, row: int, column: str, value: str) -> None:
    path = folder / f"{sheet}.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)


def test_a_bad_kommune_sheet_does_not_hide_the_other_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Seed finding: one bad value in the kommune sheet was the only error reported; two more came after fixing it."""
    folder = write_csv(rich_register(), tmp_path / "bad")
    _edit(folder, "kommune", 2, "sentralitet", "9")
    _edit(folder, "hjemler", 4, "listeinnbyggere", "-5")
    _edit(folder, "planlagte_hjemler", 3, "type", "ukjent")
    _edit(folder, "leger", 6, "kliniske_maaneder", "mange")
    with pytest.raises(RegisterImportError) as caught:
        parse_register(folder)
    found = {(issue.source, issue.row, issue.column) for issue in caught.value.issues}
    assert found == {
        ("kommune.csv", 2, "sentralitet"),
        ("hjemler.csv", 4, "listeinnbyggere"),
        ("planlagte_hjemler.csv", 3, "type"),
        ("leger.csv", 6, "kliniske_maaneder"),
    }
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", url)
    result = CliRunner().invoke(app, ["register", "import", str(folder)])
    assert result.exit_code == 2 and "4 feil" in result.output
    storage = Storage(url)
    with pytest.raises(RegisterNotFoundError):
        storage.load_register("3804")
    storage.dispose()


def test_an_unreadable_file_in_a_folder_does_not_hide_the_others(tmp_path: Path) -> None:
    folder = write_csv(demo_register(), tmp_path / "mixed")
    (folder / "institusjoner.csv").write_bytes(b"\x81\x8d\x8f\x90\x9d" * 3)  # undefined in cp1252 and not UTF-8
    _edit(folder, "hjemler", 4, "listeinnbyggere", "-5")
    with pytest.raises(RegisterImportError) as caught:
        parse_register(folder)
    assert {issue.source for issue in caught.value.issues} == {"institusjoner.csv", "hjemler.csv"}


def test_a_replacement_names_a_known_hjemmel(tmp_path: Path) -> None:
    register = rich_register()
    planned = (register.planned_positions[2].model_copy(update={"replaces": "H999"}),)
    folder = write_csv(register.model_copy(update={"planned_positions": planned}), tmp_path / "ref")
    with pytest.raises(RegisterImportError) as caught:
        parse_register(folder)
    assert [(i.source, i.row, i.column) for i in caught.value.issues] == [("planlagte_hjemler.csv", 2, "erstatter")]


def test_the_migration_keeps_an_existing_database(tmp_path: Path) -> None:
    """A database at 0002_web with a stored register (an exempt GP) upgrades to the newest revision: the register
    loads, with the exemption kept as «annet» and no planned reductions."""
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = create_engine(url)
    cfg = alembic_config(url)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0002_web")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO municipality (code, name) VALUES ('1824', 'Vefsn')"))
        connection.execute(
            text(
                "INSERT INTO register_snapshot (id, municipality_code, as_of, municipality_name, population, "
                "centrality) VALUES (1, '1824', '2020-11-01', 'Vefsn', 13400, 5)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO position (snapshot_id, id, seq, list_ceiling, listed_patients, operating_model, status) "
                "VALUES (1, 'H1', 0, 1000, 950, 'naeringsdrift', 'filled')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO physician (snapshot_id, id, seq, name, birth_year, sex, specialist_status, role, "
                "position_id, employment_fraction, start_date, municipal_duty_hours, legevakt_participation, "
                "legevakt_exempt) VALUES (1, 'L1', 0, 'Kari Nordmann', 1960, 'F', 'specialist', 'gp', 'H1', 1.0, "
                "'2010-01-01', 7.5, 0, 1)"
            )
        )
    engine.dispose()
    storage = Storage(url)  # migrates to head
    register = storage.load_register("1824")
    storage.dispose()
    assert register.positions[0].planned_reduction == 0
    assert register.physicians[0].exemption_kind is ExemptionKind.OTHER
    assert register.planned_positions == ()


def test_hours_above_7_5_import_with_a_warning_and_an_exemption_kind_needs_an_exemption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_csv(demo_register(), tmp_path / "hours")
    _edit(folder, "leger", 3, "kommunale_timer", "8,25")  # Vefsn's average (seed 000, 5.2.4)
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    result = CliRunner().invoke(app, ["register", "import", str(folder)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Merk: leger, rad 3, kolonne «kommunale_timer»" in text and "godtatt som avtalt" in text
    _edit(folder, "leger", 4, "fritak_type", "helse")
    _edit(folder, "leger", 4, "fritak_legevakt", "nei")
    with pytest.raises(RegisterImportError) as caught:
        parse_register(folder)
    assert [(i.row, i.column) for i in caught.value.issues] == [(4, "fritak_type")]
