"""Reading scenarios from TOML or JSON, with errors that name the field, and the shipped example scenarios."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from legeplan.capacity.models import Scenario
from legeplan.capacity.ssb import JsonStatError, parse_age_group, read_projection_14288
from legeplan.documents import read_document
from legeplan.i18n import json_kind, validation_detail

EXAMPLES = ("sandefjord", "bodo")


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message names the file and the field."""


def _field_path(location: tuple[int | str, ...]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(scenario)"


def _number(value: Any) -> str:
    return f"{value:g}".replace(".", ",") if isinstance(value, float) else str(value)


def norwegian_message(item: Mapping[str, Any]) -> str:
    """One pydantic error in bokmål with its limit, from the one message table (legeplan.i18n)."""
    return validation_detail(item)


def _describe(error: ValidationError, source: str) -> str:
    lines = [f"{source}: ugyldig scenario"]
    for item in error.errors():
        location = tuple(part for part in item["loc"] if not str(part).startswith("function-"))
        lines.append(f"  {_field_path(location)}: {norwegian_message(item)}")
    return "\n".join(lines)


PROJECTION_FILE_KEYS = ("file", "region", "alternative", "age_groups", "years")


def _projection_file_options(spec: dict[str, Any], base_dir: Path) -> tuple[Path, dict[str, Any]]:
    """Check the keys of a `[projection]` table with `file`; every error names the field."""
    unknown = sorted(set(spec) - set(PROJECTION_FILE_KEYS))
    if unknown:
        raise ScenarioError(
            f"projection: ukjent(e) felt {', '.join(unknown)}; tillatt med file er {', '.join(PROJECTION_FILE_KEYS)}"
        )
    if not isinstance(spec["file"], str) or not spec["file"].strip():
        raise ScenarioError(f"projection.file: må være et filnavn (tekst), ikke {spec['file']!r}")
    file = Path(spec["file"])
    if not file.is_absolute():
        file = base_dir / file
    if "region" not in spec:
        raise ScenarioError("projection.region: feltet mangler (kommunenummer i tabell 14288)")
    region = spec["region"]
    if isinstance(region, bool) or not isinstance(region, str | int) or not str(region).strip():
        raise ScenarioError(f'projection.region: må være et kommunenummer, f.eks. "1804", ikke {region!r}')
    alternative = spec.get("alternative", "MMMM")
    if not isinstance(alternative, str) or not alternative.strip():
        raise ScenarioError(f"projection.alternative: må være en kode som MMMM, LLML, HHMH, ikke {alternative!r}")
    options: dict[str, Any] = {"region": str(region).strip(), "alternative": alternative.strip()}
    if "age_groups" in spec:
        groups = spec["age_groups"]
        if not isinstance(groups, list) or not groups or not all(isinstance(group, str) for group in groups):
            raise ScenarioError(
                f'projection.age_groups: må være en liste med aldersgrupper som "0-17", "90+", ikke {groups!r}'
            )
        for group in groups:
            try:
                parse_age_group(group)
            except JsonStatError as error:
                raise ScenarioError(f"projection.age_groups: {error}") from error
        options["age_groups"] = groups
    if "years" in spec:
        years = spec["years"]
        if not isinstance(years, list) or not years:
            raise ScenarioError(f"projection.years: må være en liste med årstall, f.eks. [2022, 2030], ikke {years!r}")
        for year in years:
            if isinstance(year, bool) or not isinstance(year, int):
                raise ScenarioError(f"projection.years: {year!r} er ikke et årstall (heltall)")
        for previous, current in itertools.pairwise(years):
            if current <= previous:
                raise ScenarioError(
                    f"projection.years: årene må være ulike og i stigende rekkefølge: {current} kommer etter {previous}"
                )
        options["years"] = years
    return file, options


def _projection_table(raw: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """`projection` may be given inline or as `projection_file` (SSB 14288 JSON-stat) + `region`."""
    spec = raw.get("projection")
    if isinstance(spec, dict) and "file" in spec:
        file, options = _projection_file_options(spec, base_dir)
        try:
            projection = read_projection_14288(file, **options)
        except JsonStatError as error:
            raise ScenarioError(f"projection.file: {error}") from error
        except ValidationError as error:
            raise ScenarioError(_describe(error, f"{file}: projection")) from error
        return {**raw, "projection": projection.model_dump()}
    if isinstance(spec, list):  # [[projection]] tables in TOML: a list of years
        return {**raw, "projection": {"years": spec}}
    return raw


def _fix_keys(raw: dict[str, Any]) -> dict[str, Any]:
    """TOML and JSON keys are strings; alis_planned, growth_planned and replacements_planned are keyed by year."""
    for name in ("alis_planned", "growth_planned", "replacements_planned"):
        table = raw.get(name)
        if isinstance(table, dict):
            try:
                raw = {**raw, name: {int(year): count for year, count in table.items()}}
            except ValueError as error:
                raise ScenarioError(f"{name}: nøklene må være årstall: {error}") from error
    return raw


def parse_scenario(raw: Any, *, source: str = "scenario", base_dir: Path | None = None) -> Scenario:
    """A Scenario from an already-parsed TOML/JSON document."""
    if not isinstance(raw, dict):
        raise ScenarioError(f"{source}: scenarioet må være et objekt/tabell, ikke {json_kind(raw)}")
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
