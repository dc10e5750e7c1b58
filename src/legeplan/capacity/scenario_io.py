"""Reading scenarios from TOML or JSON, with errors that name the field, and the shipped example scenarios."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from legeplan.capacity.models import Scenario
from legeplan.capacity.ssb import JsonStatError, read_projection_14288
from legeplan.documents import read_document

EXAMPLES = ("sandefjord", "bodo")


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message names the file and the field."""


def _field_path(location: tuple[int | str, ...]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(scenario)"


def _describe(error: ValidationError, source: str) -> str:
    lines = [f"{source}: ugyldig scenario"]
    for item in error.errors():
        location = tuple(part for part in item["loc"] if not str(part).startswith("function-"))
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "missing":
            message = "feltet mangler"
        lines.append(f"  {_field_path(location)}: {message}")
    return "\n".join(lines)


def _projection_table(raw: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """`projection` may be given inline or as `projection_file` (SSB 14288 JSON-stat) + `region`."""
    spec = raw.get("projection")
    if isinstance(spec, dict) and "file" in spec:
        file = Path(spec["file"])
        if not file.is_absolute():
            file = base_dir / file
        if "region" not in spec:
            raise ScenarioError("projection.region: feltet mangler (kommunenummer i tabell 14288)")
        options: dict[str, Any] = {"region": str(spec["region"]), "alternative": spec.get("alternative", "MMMM")}
        if "age_groups" in spec:
            options["age_groups"] = spec["age_groups"]
        if "years" in spec:
            options["years"] = [int(year) for year in spec["years"]]
        try:
            projection = read_projection_14288(file, **options)
        except JsonStatError as error:
            raise ScenarioError(f"projection.file: {error}") from error
        return {**raw, "projection": projection.model_dump()}
    if isinstance(spec, list):  # [[projection]] tables in TOML: a list of years
        return {**raw, "projection": {"years": spec}}
    return raw


def _fix_keys(raw: dict[str, Any]) -> dict[str, Any]:
    """TOML and JSON keys are strings; alis_planned is keyed by year."""
    alis = raw.get("alis_planned")
    if isinstance(alis, dict):
        try:
            raw = {**raw, "alis_planned": {int(year): count for year, count in alis.items()}}
        except ValueError as error:
            raise ScenarioError(f"alis_planned: nøklene må være årstall: {error}") from error
    return raw


def parse_scenario(raw: Any, *, source: str = "scenario", base_dir: Path | None = None) -> Scenario:
    """A Scenario from an already-parsed TOML/JSON document."""
    if not isinstance(raw, dict):
        raise ScenarioError(f"{source}: scenarioet må være et objekt/tabell, ikke {type(raw).__name__}")
    prepared = _fix_keys(_projection_table(raw, base_dir or Path.cwd()))
    try:
        return Scenario.model_validate(prepared)
    except ValidationError as error:
        raise ScenarioError(_describe(error, source)) from error


def load_scenario(path: str | Path) -> Scenario:
    """A Scenario from a .toml or .json file."""
    file = Path(path)
    return parse_scenario(read_document(file, ScenarioError), source=str(file), base_dir=file.parent)


def example_path(name: str) -> Path:
    """Path of a shipped example scenario (package data)."""
    key = name.lower().replace("ø", "o")
    if key not in EXAMPLES:
        raise KeyError(f"ukjent eksempelscenario {name!r}; finnes: {', '.join(EXAMPLES)}")
    return Path(str(resources.files("legeplan.capacity") / "data" / f"{key}.toml"))


def example_scenario(name: str) -> Scenario:
    """A shipped example: 'sandefjord' (seed 001) or 'bodo' (seed 003, SSB MMMM by age group)."""
    return load_scenario(example_path(name))
