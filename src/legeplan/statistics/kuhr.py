"""Client for NAV/Helfo's open KUHR data: aggregated fee-code use (takstbruk) per municipality, county and country.

`GET {base}/takstbruk/agtakst/{kommune|fylke|landet}/ar?fagomraade=LE&fomar=2022&tomar=2023&takstkoder=2ad,...
&kommuner=1804&praksistyper=FALE` with `Accept: application/json` returns one row per year, fee code, practice type
and municipality: `ar`, `takstkode`, `fagomraade`, `praksis_type_kode`, `behandler_kommunenr`, `behandler_fylke`,
`antall_regninger`, `sum_refusjon`, `sum_egenandel_betalt_av_pasient`, `sum_egenandel_dekket_av_folketrygden`.
The geography is the **practitioner's** municipality (not the patient's), and a municipality-year lists only fee
codes used more than 5 times. Base URL: `--kuhr-url`, else `LEGEPLAN_KUHR_URL`, else NAV's public address.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from legeplan.i18n import text
from legeplan.statistics.errors import ServiceError, UnknownCodeError
from legeplan.statistics.http import HttpService

DEFAULT_KUHR_URL = "https://helserefusjoner-kuhr.nav.no/api/opne-data/v1"
#: Fee codes that are a GP consultation or home visit (normaltariffen): the measured demand in «kontakter».
CONSULTATION_CODES: dict[str, str] = {
    "2ad": "Konsultasjon, allmennlege",
    "2ak": "Konsultasjon, spesialist i allmennmedisin",
    "2ae": "E-konsultasjon",
    "11ad": "Sykebesøk, allmennlege",
    "11ak": "Sykebesøk, spesialist i allmennmedisin",
}
#: Practice types: FALE fastlege, LEVA legevakt.
GP_PRACTICE = "FALE"
Level = Literal["kommune", "fylke", "landet"]


def kuhr_base_url(explicit: str | None = None) -> str:
    return explicit or os.environ.get("LEGEPLAN_KUHR_URL") or DEFAULT_KUHR_URL


class TakstbrukRow(BaseModel):
    """One row of aggregated fee-code use."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    ar: int
    maned: int | None = None
    takstkode: str
    fagomraade: str | None = None
    praksis_type_kode: str | None = None
    behandler_kommunenr: str | None = None
    behandler_fylke: str | None = None
    antall_regninger: int
    sum_refusjon: float | None = None
    sum_egenandel_betalt_av_pasient: float | None = None
    sum_egenandel_dekket_av_folketrygden: float | None = None


def _rows(body: object) -> list[object]:
    """The list of rows: the body itself, or the one list inside a wrapping object."""
    if isinstance(body, list):
        return body
    if isinstance(body, Mapping):
        lists = [value for value in body.values() if isinstance(value, list)]
        if len(lists) == 1:
            return lists[0]
    raise ServiceError(text("stats.error.kuhr_format"))


class KuhrClient(HttpService):
    service_name = "KUHR (NAV/Helfo)"

    def __init__(self, base_url: str | None = None, **options: Any) -> None:
        super().__init__(kuhr_base_url(base_url), **options)

    def takstbruk(
        self,
        *,
        level: Level,
        from_year: int,
        to_year: int,
        codes: Sequence[str] = (),
        fee_codes: Sequence[str] = tuple(CONSULTATION_CODES),
        practice_types: Sequence[str] = (GP_PRACTICE,),
        field: str = "LE",
    ) -> list[TakstbrukRow]:
        """Yearly fee-code use for municipalities (`codes`), counties (`codes`) or the whole country."""
        params = {
            "fagomraade": field,
            "fomar": str(from_year),
            "tomar": str(to_year),
            "takstkoder": ",".join(fee_codes),
            "praksistyper": ",".join(practice_types),
        }
        if level == "kommune":
            params["kommuner"] = ",".join(codes)
        elif level == "fylke":
            params["fylker"] = ",".join(codes)
        response = self.get(f"takstbruk/agtakst/{level}/ar", params, headers={"Accept": "application/json"})
        if response.status_code in (400, 404):
            raise UnknownCodeError(
                text("stats.error.kuhr_refused", status=response.status_code, level=level, codes=",".join(codes) or "-")
            )
        if response.status_code >= 400:
            raise ServiceError(text("stats.error.kuhr_refused", status=response.status_code, level=level, codes="-"))
        try:
            body = response.json()
        except ValueError as error:
            raise ServiceError(text("stats.error.not_json", service=self.service_name, table="takstbruk")) from error
        try:
            return [TakstbrukRow.model_validate(row) for row in _rows(body)]
        except ValidationError as error:
            raise ServiceError(text("stats.error.kuhr_format")) from error


def consultations_by_year(
    rows: Sequence[TakstbrukRow], fee_codes: Sequence[str] = tuple(CONSULTATION_CODES)
) -> dict[int, int]:
    """Bills with a consultation fee code per year (the measured number of GP consultations)."""
    wanted = {code.lower() for code in fee_codes}
    totals: dict[int, int] = {}
    for row in rows:
        if row.takstkode.lower() in wanted:
            totals[row.ar] = totals.get(row.ar, 0) + row.antall_regninger
    return dict(sorted(totals.items()))
