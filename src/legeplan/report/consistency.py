"""Consistency checks across a plan's numbers: totals, percentages, changes, averages, ratios and repeated figures.

Plans are typed by hand and the tables drift: a total that no longer matches its rows, a percentage computed from
other counts, the same årsverk given twice with different values. Each check recomputes the figure from the
numbers the plan itself prints and allows only the rounding the printed precision explains. Findings carry a
Norwegian message for the report. Two shipped check sets reproduce what the Bodø (seed 003) and Sandefjord
(seed 001) plans got wrong, next to checks of tables that do add up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from legeplan.documents import read_document
from legeplan.i18n import validation_message

HOURS_PER_FTE = 37.5


def _fmt(value: float, decimals: int) -> str:
    text = f"{value:,.{max(decimals, 0)}f}".replace(",", " ").replace(".", ",")
    return "−" + text[1:] if text.startswith("-") else text


def _short(value: float) -> str:
    """Up to three decimals without trailing zeros: 7, 22,5, 0,186."""
    text = f"{value:,.3f}".rstrip("0").rstrip(".").replace(",", " ").replace(".", ",")
    return "−" + text[1:] if text.startswith("-") else text


def _half_unit(decimals: int) -> float:
    return 0.5 * 10.0 ** (-decimals)


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    label: str = Field(min_length=1, description="What the figure is, in Norwegian")
    location: str | None = Field(default=None, description="Where in the plan: chapter, table, page")
    stated: float = Field(description="The figure as printed in the plan")
    decimals: int = Field(default=0, ge=0, le=6, description="Decimals the stated figure is printed with")
    rounded_to: int | None = Field(
        default=None,
        ge=10,
        le=10**9,
        description="The plan rounds this amount to tens, hundreds, thousands ... (10, 100, 1000, ...)",
    )

    def computed(self) -> float:
        raise NotImplementedError

    def tolerance(self) -> float:
        """Rounding of the printed figure; subclasses add the rounding of their inputs where it matters."""
        return _half_unit(self.decimals)

    @model_validator(mode="after")
    def _rounded_to_power_of_ten(self) -> _Base:
        if self.rounded_to is not None and str(self.rounded_to).rstrip("0") != "1":
            raise ValueError("«rounded_to» må være 10, 100, 1000 eller en annen tierpotens")
        return self

    def describe(self, computed: float) -> str:
        raise NotImplementedError


class TotalCheck(_Base):
    """A total that should equal the sum of its parts."""

    kind: Literal["total"] = "total"
    parts: dict[str, float] = Field(min_length=1)
    part_decimals: int | None = Field(default=None, ge=0, le=6, description="If the parts are rounded too")

    def computed(self) -> float:
        return math.fsum(self.parts.values())

    def tolerance(self) -> float:
        extra = len(self.parts) * _half_unit(self.part_decimals) if self.part_decimals is not None else 0.0
        return _half_unit(self.decimals) + extra

    def describe(self, computed: float) -> str:
        shown = max(self.decimals, self.part_decimals or 0)
        return (
            f"{self.label}: oppgitt sum {_fmt(self.stated, self.decimals)}, men delene "
            f"({len(self.parts)} linjer) summerer til {_fmt(computed, shown)}."
        )


class PercentageCheck(_Base):
    """A percentage that should equal part / whole."""

    kind: Literal["percentage"] = "percentage"
    part: float
    whole: float
    decimals: int = 1

    def computed(self) -> float:
        return 100.0 * self.part / self.whole

    def describe(self, computed: float) -> str:
        return (
            f"{self.label}: oppgitt {_fmt(self.stated, self.decimals)} %, men {_fmt(self.part, 0)} av "
            f"{_fmt(self.whole, 0)} er {_fmt(computed, self.decimals + 1)} %."
        )

    @model_validator(mode="after")
    def _whole_not_zero(self) -> PercentageCheck:
        if self.whole == 0:
            raise ValueError("«whole» kan ikke være 0")
        return self


class ChangeCheck(_Base):
    """A percentage change from `before` to `after`."""

    kind: Literal["change"] = "change"
    before: float
    after: float
    decimals: int = 1

    def computed(self) -> float:
        return 100.0 * (self.after - self.before) / self.before

    def describe(self, computed: float) -> str:
        return (
            f"{self.label}: oppgitt endring {_fmt(self.stated, self.decimals)} %, men fra {_fmt(self.before, 0)} "
            f"til {_fmt(self.after, 0)} er {_fmt(computed, self.decimals + 1)} %."
        )

    @model_validator(mode="after")
    def _before_not_zero(self) -> ChangeCheck:
        if self.before == 0:
            raise ValueError("«before» kan ikke være 0")
        return self


class RatioCheck(_Base):
    """A ratio such as hours per place or årsverk from hours: numerator / denominator."""

    kind: Literal["ratio"] = "ratio"
    numerator: float
    denominator: float
    unit: str = ""

    def computed(self) -> float:
        return self.numerator / self.denominator

    def describe(self, computed: float) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return (
            f"{self.label}: oppgitt {_fmt(self.stated, self.decimals)}{unit}, men "
            f"{_short(self.numerator)} / {_short(self.denominator)} = {_fmt(computed, self.decimals + 1)}{unit}."
        )

    @model_validator(mode="after")
    def _denominator_not_zero(self) -> RatioCheck:
        if self.denominator == 0:
            raise ValueError("«denominator» kan ikke være 0")
        return self


class AverageCheck(RatioCheck):
    """An average that should equal total / count."""

    kind: Literal["average"] = "average"  # type: ignore[assignment]

    def describe(self, computed: float) -> str:
        return (
            f"{self.label}: oppgitt gjennomsnitt {_fmt(self.stated, self.decimals)}, men {_short(self.numerator)} "
            f"fordelt på {_short(self.denominator)} gir {_fmt(computed, self.decimals + 1)}."
        )


class ProductCheck(_Base):
    """A figure that should be the product of its factors (rate x patients x share)."""

    kind: Literal["product"] = "product"
    factors: list[float] = Field(min_length=2)

    def computed(self) -> float:
        return math.prod(self.factors)

    def describe(self, computed: float) -> str:
        factors = " × ".join(_short(f) for f in self.factors)
        return f"{self.label}: oppgitt {_fmt(self.stated, self.decimals)}, men {factors} = {_short(computed)}."


class SameCheck(_Base):
    """The same quantity printed in more than one place; every value should equal `stated`."""

    kind: Literal["same"] = "same"
    others: dict[str, float] = Field(min_length=1, description="Where else the figure is printed, and its value")

    def computed(self) -> float:
        return max(self.others.values(), key=lambda value: abs(value - self.stated))

    def describe(self, computed: float) -> str:
        places = ", ".join(f"{_short(v)} i {where}" for where, v in self.others.items())
        return f"{self.label}: oppgitt {_fmt(self.stated, self.decimals)}, men andre steder i planen står {places}."


class GridCheck(BaseModel):
    """A table of rows × columns with row totals, column totals and a grand total, as plans print them.

    Every printed total is checked against the cells it sums (a row total across its row, a column total down its
    column, the grand total over all cells), each allowing for the rounding of the total and, for cells printed with
    decimals, of the cells; whole-number cells are taken as exact counts or amounts.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["grid"] = "grid"
    id: str = Field(min_length=1)
    label: str = Field(min_length=1)
    location: str | None = None
    columns: list[str] = Field(min_length=1, description="Column headings")
    rows: dict[str, list[float]] = Field(min_length=1, description="Row heading -> one cell per column")
    row_totals: dict[str, float] | None = Field(default=None, description="Printed total of each row (by heading)")
    column_totals: list[float] | None = Field(default=None, description="Printed total of each column")
    grand_total: float | None = None
    decimals: int | list[int] = Field(default=0, description="Decimals of the cells: one for all, or per column")
    rounded_to: int | None = Field(default=None, ge=10, le=10**9)

    @model_validator(mode="after")
    def _shape(self) -> GridCheck:
        width = len(self.columns)
        for name, cells in self.rows.items():
            if len(cells) != width:
                raise ValueError(f"raden «{name}» har {len(cells)} celler, men tabellen har {width} kolonner")
        if self.column_totals is not None and len(self.column_totals) != width:
            raise ValueError(f"«column_totals» har {len(self.column_totals)} tall, men tabellen har {width} kolonner")
        if isinstance(self.decimals, list) and len(self.decimals) != width:
            raise ValueError(f"«decimals» har {len(self.decimals)} tall, men tabellen har {width} kolonner")
        unknown = sorted(set(self.row_totals or {}) - set(self.rows))
        if unknown:
            raise ValueError(f"«row_totals» nevner rader som ikke finnes: {', '.join(unknown)}")
        if self.row_totals is None and self.column_totals is None and self.grand_total is None:
            raise ValueError("oppgi minst én av «row_totals», «column_totals» eller «grand_total»")
        return self

    def column_decimals(self, index: int) -> int:
        return self.decimals[index] if isinstance(self.decimals, list) else self.decimals

    def totals(self) -> list[TotalCheck]:
        """One total check per printed total."""
        where = self.location or self.label
        checks = []
        for name, total in (self.row_totals or {}).items():
            cells = self.rows[name]
            places = max(self.column_decimals(i) for i in range(len(cells)))
            checks.append(
                TotalCheck(
                    id=f"{self.id}.rad.{name}",
                    label=f"{self.label}, rad «{name}»",
                    location=where,
                    stated=total,
                    decimals=places,
                    parts=dict(zip(self.columns, cells, strict=True)),
                    part_decimals=places or None,  # cells printed with decimals are rounded values
                    rounded_to=self.rounded_to,
                )
            )
        for index, total in enumerate(self.column_totals or []):
            places = self.column_decimals(index)
            checks.append(
                TotalCheck(
                    id=f"{self.id}.kolonne.{self.columns[index]}",
                    label=f"{self.label}, kolonne «{self.columns[index]}»",
                    location=where,
                    stated=total,
                    decimals=places,
                    parts={name: cells[index] for name, cells in self.rows.items()},
                    part_decimals=places or None,  # cells printed with decimals are rounded values
                    rounded_to=self.rounded_to,
                )
            )
        if self.grand_total is not None:
            places = max(self.column_decimals(i) for i in range(len(self.columns)))
            every_cell = {
                f"{name}/{column}": value
                for name, row in self.rows.items()
                for column, value in zip(self.columns, row, strict=True)
            }
            checks.append(
                TotalCheck(
                    id=f"{self.id}.totalsum",
                    label=f"{self.label}, totalsum",
                    location=where,
                    stated=self.grand_total,
                    decimals=places,
                    parts=every_cell,
                    part_decimals=places or None,  # cells printed with decimals are rounded values
                    rounded_to=self.rounded_to,
                )
            )
        return checks


Check = Annotated[
    TotalCheck | PercentageCheck | ChangeCheck | RatioCheck | AverageCheck | ProductCheck | SameCheck | GridCheck,
    Field(discriminator="kind"),
]
SingleCheck = TotalCheck | PercentageCheck | ChangeCheck | RatioCheck | AverageCheck | ProductCheck | SameCheck

#: Kinds whose figure is an amount a plan may print rounded («ca. 14,4 mill.» for 14 425 000).
AMOUNT_KINDS = frozenset({"total", "product", "same"})


class RoundedFigure(BaseModel):
    """A figure that differs from the recomputed one only because the plan rounds it (to tens, hundreds ...)."""

    model_config = ConfigDict(frozen=True)

    check_id: str
    label: str
    location: str | None
    stated: float
    computed: float
    rounded_to: int
    message: str


def _rounding_steps(stated: float) -> list[int]:
    """The roundings a whole amount can show: 10, 100, ... while it keeps two significant digits."""
    if stated != int(stated) or stated == 0:
        return []
    steps, step = [], 10
    while int(stated) % step == 0 and step * 10 <= abs(stated):
        steps.append(step)
        step *= 10
    return steps


def rounding_of(check: SingleCheck) -> RoundedFigure | None:
    """A note when the stated amount is the recomputed one rounded to 10, 100, 1 000 ...; else None.

    A declared `rounded_to` applies to any kind; otherwise only amounts (sums, products, repeated figures) printed
    without decimals are tried, with the finest rounding their trailing zeros allow that explains the figure.
    """
    computed = check.computed()
    if check.rounded_to is not None:
        steps = [check.rounded_to]
    elif check.kind in AMOUNT_KINDS and check.decimals == 0:
        steps = _rounding_steps(check.stated)
    else:
        steps = []
    for step in steps:
        if abs(check.stated - computed) <= step / 2 + 1e-9 * max(1.0, abs(computed)):
            where = f" ({check.location})" if check.location else ""
            return RoundedFigure(
                check_id=check.id,
                label=check.label,
                location=check.location,
                stated=check.stated,
                computed=computed,
                rounded_to=step,
                message=(
                    f"{check.label}: oppgitt {_fmt(check.stated, 0)} er {_short(computed)} avrundet til "
                    f"nærmeste {_fmt(step, 0)}{where}."
                ),
            )
    return None


class Finding(BaseModel):
    """One number that does not add up."""

    model_config = ConfigDict(frozen=True)

    check_id: str
    kind: str
    label: str
    location: str | None
    stated: float
    computed: float
    difference: float
    message: str

    def __str__(self) -> str:
        return self.message


def evaluate(check: SingleCheck) -> Finding | None:
    """A finding when the stated figure is further from the recomputed one than its rounding explains."""
    computed = check.computed()
    difference = check.stated - computed
    if abs(difference) <= check.tolerance() + 1e-9 * max(1.0, abs(computed)):
        return None
    where = f" ({check.location})" if check.location else ""
    return Finding(
        check_id=check.id,
        kind=check.kind,
        label=check.label,
        location=check.location,
        stated=check.stated,
        computed=computed,
        difference=difference,
        message=check.describe(computed).removesuffix(".") + where + ".",
    )


# --- Generic one-off checks ------------------------------------------------------------------------------------


def check_total(
    label: str,
    parts: Mapping[str, float] | Sequence[float],
    stated: float,
    decimals: int = 0,
    part_decimals: int | None = None,
    location: str | None = None,
) -> Finding | None:
    """Flag a total that is not the sum of its parts (allowing for the printed rounding)."""
    named = dict(parts) if isinstance(parts, Mapping) else {str(i): v for i, v in enumerate(parts, start=1)}
    return evaluate(
        TotalCheck(
            id=label,
            label=label,
            parts=named,
            stated=stated,
            decimals=decimals,
            part_decimals=part_decimals,
            location=location,
        )
    )


def check_percentage(
    label: str, part: float, whole: float, stated_percent: float, decimals: int = 1, location: str | None = None
) -> Finding | None:
    """Flag a percentage that does not match part / whole."""
    return evaluate(
        PercentageCheck(
            id=label, label=label, part=part, whole=whole, stated=stated_percent, decimals=decimals, location=location
        )
    )


def check_change(
    label: str, before: float, after: float, stated_percent: float, decimals: int = 1, location: str | None = None
) -> Finding | None:
    """Flag a growth percentage that does not match its two counts."""
    return evaluate(
        ChangeCheck(
            id=label,
            label=label,
            before=before,
            after=after,
            stated=stated_percent,
            decimals=decimals,
            location=location,
        )
    )


def check_average(
    label: str, total: float, count: float, stated_average: float, decimals: int = 1, location: str | None = None
) -> Finding | None:
    """Flag an average that does not match total / count."""
    return evaluate(
        AverageCheck(
            id=label,
            label=label,
            numerator=total,
            denominator=count,
            stated=stated_average,
            decimals=decimals,
            location=location,
        )
    )


def check_ratio(
    label: str, numerator: float, denominator: float, stated: float, decimals: int = 2, location: str | None = None
) -> Finding | None:
    """Flag a ratio (hours per place, årsverk from hours) that does not match its parts."""
    return evaluate(
        RatioCheck(
            id=label,
            label=label,
            numerator=numerator,
            denominator=denominator,
            stated=stated,
            decimals=decimals,
            location=location,
        )
    )


# --- Check sets ------------------------------------------------------------------------------------------------


class CheckSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str
    source: str
    checks: list[Check] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> CheckSet:
        ids = [c.id for c in self.checks]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"kontroller med samme id: {', '.join(repeated)}")
        return self


class CheckReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    title: str
    source: str
    checked: int
    findings: tuple[Finding, ...]
    rounded: tuple[RoundedFigure, ...] = ()

    @property
    def passed(self) -> int:
        return self.checked - len(self.findings)


def single_checks(check_set: CheckSet) -> list[SingleCheck]:
    """The set's checks with every grid expanded into its row, column and grand totals."""
    result: list[SingleCheck] = []
    for check in check_set.checks:
        result.extend(check.totals() if isinstance(check, GridCheck) else [check])
    return result


def run_check_set(check_set: CheckSet) -> CheckReport:
    """Evaluate every check (a grid counts each printed total); findings in the set's order. A difference the
    plan's rounding of an amount explains (to tens, hundreds, thousands ...) is a rounded figure, not a finding."""
    checks = single_checks(check_set)
    findings: list[Finding] = []
    rounded: list[RoundedFigure] = []
    for check in checks:
        finding = evaluate(check)
        if finding is None:
            continue
        note = rounding_of(check)
        if note is None:
            findings.append(finding)
        else:
            rounded.append(note)
    return CheckReport(
        name=check_set.name,
        title=check_set.title,
        source=check_set.source,
        checked=len(checks),
        findings=tuple(findings),
        rounded=tuple(rounded),
    )


class CheckSetError(ValueError):
    """Bad check-set file; the message names the file, the check and the field."""


def load_check_set(path: Path) -> CheckSet:
    """A check set from .json or .toml (`name`, `title`, `source`, `[[checks]]` with a `kind`)."""
    data = read_document(path, CheckSetError)
    try:
        return CheckSet.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = [str(part) for part in first["loc"]]
        if len(loc) >= 2 and loc[0] == "checks" and loc[1].isdigit():
            loc[1] = f"nr. {int(loc[1]) + 1}"
        raise CheckSetError(f"{path}: felt «{'.'.join(loc)}»: {validation_message(first)}") from error


_BODO_SOURCE = "Plan for legetjenesten i Bodø 2022–2025, Bodø kommune"
_SANDEFJORD_SOURCE = "Plan for legetjenesten 2021–2024, Sandefjord kommune"

_BODO_NURSING_PLACES = {
    "Stadiontunet": 56,
    "Mørkved": 50,
    "Furumoen": 22,
    "Hovdejordet": 36,
    "Vollsletta": 24,
    "Sentrum": 60,
    "Rehabiliteringsavdelingen": 15,
    "Sølvsuper Bølgen": 11,
    "Sølvsuper Mellombølgen": 21,
    "Sølvsuper Kortbølgen": 21,
    "Sølvsuper Langbølgen": 21,
}
_BODO_NURSING_FTE = {
    "Stadiontunet": 0.60,
    "Mørkved": 0.40,
    "Furumoen": 0.186,
    "Hovdejordet": 0.30,
    "Vollsletta": 0.32,
    "Sentrum": 0.573,
    "Rehabiliteringsavdelingen": 0.80,
    "Sølvsuper Bølgen": 1.1,
    "Sølvsuper Mellombølgen": 1.0,
    "Sølvsuper Kortbølgen": 1.0,
    "Sølvsuper Langbølgen": 0.20,
}
_BODO_NURSING = "tabellen over sykehjem: plasser, årsverk og legetimer"
_BODO_PUBLIC = "fordeling av allmennmedisinsk offentlig arbeid"
_BODO_RECRUITMENT = "tabell over behov for nye fastleger 2020–2028"

BODO_CHECKS = CheckSet(
    name="bodo",
    title="Bodø kommune – Plan for legetjenesten",
    source=_BODO_SOURCE,
    checks=[
        TotalCheck(
            id="sykehjem-plasser",
            label="Sykehjemsplasser totalt",
            location=_BODO_NURSING,
            parts=dict(_BODO_NURSING_PLACES),
            stated=338,
        ),
        TotalCheck(
            id="sykehjem-arsverk",
            label="Legeårsverk i sykehjem totalt",
            location=_BODO_NURSING,
            parts=dict(_BODO_NURSING_FTE),
            stated=6.5,
            decimals=1,
        ),
        RatioCheck(
            id="stadiontunet-per-plass",
            label="Stadiontunet, legetimer per uke per pasient",
            location=_BODO_NURSING,
            numerator=22.5,
            denominator=56,
            stated=0.4,
            decimals=1,
        ),
        RatioCheck(
            id="morkved-per-plass",
            label="Mørkved, legetimer per uke per pasient",
            location=_BODO_NURSING,
            numerator=15,
            denominator=50,
            stated=0.3,
            decimals=1,
        ),
        RatioCheck(
            id="furumoen-per-plass",
            label="Furumoen, legetimer per uke per pasient",
            location=_BODO_NURSING,
            numerator=7,
            denominator=22,
            stated=0.31,
            decimals=2,
        ),
        RatioCheck(
            id="hovdejordet-per-plass",
            label="Hovdejordet, legetimer per uke per pasient",
            location=_BODO_NURSING,
            numerator=11.25,
            denominator=36,
            stated=0.31,
            decimals=2,
        ),
        RatioCheck(
            id="sentrum-per-plass",
            label="Sentrum, legetimer per uke per pasient",
            location=_BODO_NURSING,
            numerator=21.5,
            denominator=60,
            stated=0.358,
            decimals=3,
        ),
        RatioCheck(
            id="furumoen-arsverk",
            label="Furumoen, årsverk fra 7 legetimer",
            location=_BODO_NURSING,
            numerator=7,
            denominator=HOURS_PER_FTE,
            stated=0.186,
            decimals=3,
        ),
        RatioCheck(
            id="sentrum-arsverk",
            label="Sentrum, årsverk fra 21,5 legetimer",
            location=_BODO_NURSING,
            numerator=21.5,
            denominator=HOURS_PER_FTE,
            stated=0.573,
            decimals=3,
        ),
        TotalCheck(
            id="legearsverk-sum",
            label="Legeårsverk tilknyttet Bodø kommune",
            location="fordeling av årsverk",
            parts={
                "Fastleger": 46.48,
                "Offentlig arbeid": 12.08,
                "Kommuneoverleger": 1.60,
                "Legevakt dagtid": 1.0,
                "Andre bistillinger": 1.0,
            },
            stated=62.16,
            decimals=2,
        ),
        TotalCheck(
            id="offentlig-arbeid-sum",
            label="Årsverk i allmennmedisinsk offentlig arbeid",
            location=_BODO_PUBLIC,
            parts={
                "Sykehjem og rehabilitering": 5.94,
                "Helsestasjon": 1.19,
                "Skolehelsetjeneste": 0.30,
                "Helsestasjon for ungdom": 0.0,
                "Migrasjon/flyktningelege": 0.06,
                "Fengselslege": 0.40,
                "Asylmottak": 0.20,
            },
            stated=8.082,
            decimals=3,
            part_decimals=2,
        ),
        SameCheck(
            id="offentlig-arbeid-to-tall",
            label="Årsverk i allmennmedisinsk offentlig arbeid",
            location="fordeling av årsverk mot fordeling av offentlig arbeid",
            stated=12.08,
            others={"fordelingen av offentlig arbeid": 8.082},
            decimals=2,
        ),
        RatioCheck(
            id="sykehjem-timer",
            label="Sykehjemsleger og rehabilitering, årsverk fra 222,75 t/uke",
            location=_BODO_PUBLIC,
            numerator=222.75,
            denominator=HOURS_PER_FTE,
            stated=5.94,
            decimals=2,
        ),
        RatioCheck(
            id="helsestasjon-timer",
            label="Helsestasjon, årsverk fra 44,5 t/uke",
            location=_BODO_PUBLIC,
            numerator=44.5,
            denominator=HOURS_PER_FTE,
            stated=1.19,
            decimals=2,
        ),
        RatioCheck(
            id="migrasjon-timer",
            label="Migrasjon/flyktningelege, årsverk fra 4 t/uke",
            location=_BODO_PUBLIC,
            numerator=4,
            denominator=HOURS_PER_FTE,
            stated=0.06,
            decimals=2,
        ),
        RatioCheck(
            id="fengsel-timer",
            label="Fengselslege, årsverk fra 15 t/uke",
            location=_BODO_PUBLIC,
            numerator=15,
            denominator=HOURS_PER_FTE,
            stated=0.40,
            decimals=2,
        ),
        SameCheck(
            id="helsestasjon-to-tall",
            label="Legeårsverk i helsestasjon",
            location=_BODO_PUBLIC,
            stated=1.19,
            others={"tabellen over helsestasjoner": 1.10},
            decimals=2,
        ),
        TotalCheck(
            id="helsestasjon-tabell",
            label="Legeårsverk i helsestasjonene",
            location="tabell over helsestasjoner",
            parts={
                "Sentrum 1": 0.20,
                "Sentrum 2": 0.20,
                "Rønvik 1": 0.10,
                "Rønvik 2": 0.10,
                "Rønvik 3": 0.10,
                "Rønvik 4": 0.10,
                "Rønvik 5": 0.10,
                "Mørkved": 0.10,
                "Tverlandet": 0.10,
                "Misvær": 0.0,
            },
            stated=1.10,
            decimals=2,
        ),
        TotalCheck(
            id="skole-timer",
            label="Legetimer i skolehelsetjenesten",
            location="tabell over skoler",
            parts={"Hunstad/Mørkved/Støver": 3.0, "Alstad m.fl.": 4.5, "Saltvern m.fl.": 3.75},
            stated=11.25,
            decimals=2,
        ),
        TotalCheck(
            id="ledige-listeplasser",
            label="Ledige listeplasser per 11. april 2021",
            location="oversikt over legekontor",
            parts={
                "Tveraabak": 68,
                "Bodin": 0,
                "Rønvik": 0,
                "Alstad": 0,
                "Mørkved": 11,
                "Innstranda": 97,
                "Tverlandet": 76,
                "Misvær": 631,
            },
            stated=883,
        ),
        TotalCheck(
            id="nye-hjemler-befolkning",
            label="Nye hjemler på grunn av befolkningsøkning",
            location=_BODO_RECRUITMENT,
            parts={"2020": 1, "2021": 0, "2022": 0, "2023": 0, "2024": 0, "2025": 1, "2026": 0, "2027": 0, "2028": 0},
            stated=2,
        ),
        TotalCheck(
            id="erstatning-avgang",
            label="Erstatning for naturlig avgang",
            location=_BODO_RECRUITMENT,
            parts={"2020": 2, "2021": 4, "2022": 1, "2023": 0, "2024": 0, "2025": 1, "2026": 1, "2027": 2, "2028": 1},
            stated=12,
        ),
        TotalCheck(
            id="nye-alis",
            label="Nye ALIS-stillinger 2020–2028",
            location=_BODO_RECRUITMENT,
            parts={"2020": 1, "2021": 0, "2022": 2, "2023": 3, "2024": 2, "2025": 3, "2026": 0, "2027": 1, "2028": 1},
            stated=8,
        ),
        TotalCheck(
            id="rekruttering-totalt",
            label="Rekrutteringsbehov totalt (sum av årene)",
            location=_BODO_RECRUITMENT,
            parts={"2020": 4, "2021": 4, "2022": 3, "2023": 3, "2024": 2, "2025": 5, "2026": 1, "2027": 3, "2028": 2},
            stated=27,
        ),
        TotalCheck(
            id="rekruttering-rader",
            label="Rekrutteringsbehov totalt (sum av radene)",
            location=_BODO_RECRUITMENT,
            parts={"Befolkningsøkning": 2, "Naturlig avgang": 12, "Nye ALIS-stillinger": 8},
            stated=27,
        ),
        ChangeCheck(
            id="vekst-67-79",
            label="Vekst i aldersgruppen 67–79 år 2022–2025",
            location="befolkningsutvikling",
            before=5776,
            after=6156,
            stated=6.6,
        ),
        ChangeCheck(
            id="vekst-80-89",
            label="Vekst i aldersgruppen 80–89 år 2022–2025",
            location="befolkningsutvikling",
            before=1800,
            after=2116,
            stated=17.6,
        ),
        ChangeCheck(
            id="vekst-90",
            label="Vekst i aldersgruppen 90 år og over 2022–2025",
            location="befolkningsutvikling",
            before=336,
            after=386,
            stated=14.8,
        ),
    ],
)
"""Bodø: places 338 (rows give 337), ALIS total 8 (rows give 13, so 2 + 12 + 8 ≠ 27), 12.08 vs 8.082 årsverk,
helsestasjon 1.19 vs 1.10, 4 h/week printed as 0.06 årsverk, Furumoen 0.31 (0.318) and 90+ growth 14.8 % (14.9)."""

_SANDEFJORD_NURSING = "tabellen over sykehjem: enheter, plasser og årsverk leger"

SANDEFJORD_CHECKS = CheckSet(
    name="sandefjord",
    title="Sandefjord kommune – Plan for legetjenesten 2021–2024",
    source=_SANDEFJORD_SOURCE,
    checks=[
        TotalCheck(
            id="sms-plasser",
            label="Sandefjord medisinske senter, plasser",
            location=_SANDEFJORD_NURSING,
            parts={"1 A/B": 18, "2 A/B": 22, "3 A/B": 19},
            stated=59,
        ),
        TotalCheck(
            id="nygard-plasser",
            label="Nygård bo- og behandlingssenter, plasser",
            location=_SANDEFJORD_NURSING,
            parts={"2. etg": 42, "3. etg": 42, "4. etg": 42},
            stated=126,
        ),
        TotalCheck(
            id="kamfjord-plasser",
            label="Kamfjordhjemmet, plasser",
            location=_SANDEFJORD_NURSING,
            parts={"1. etg": 32, "2. etg": 32},
            stated=64,
        ),
        TotalCheck(
            id="mosserod-plasser",
            label="Mosserødhjemmet, plasser",
            location=_SANDEFJORD_NURSING,
            parts={"1. etg": 29, "2. etg": 29},
            stated=58,
        ),
        TotalCheck(
            id="soletunet-plasser",
            label="Soletunet, plasser",
            location=_SANDEFJORD_NURSING,
            parts={"Solstua": 24, "Soltoppen langtid": 12, "Soltoppen korttid/avlastning": 9, "Solsiden": 2},
            stated=47,
        ),
        TotalCheck(
            id="andebu-plasser",
            label="Andebu sykehjem, plasser",
            location=_SANDEFJORD_NURSING,
            parts={"Blåveis": 14, "Tusenfryd": 12, "Skogstjerna langtid": 6, "Skogstjerna korttid/avlastning": 9},
            stated=39,
        ),
        TotalCheck(
            id="andebu-tekst",
            label="Andebu sykehjem, plasser etter teksten (4 korttid, 5 avlastning, 30 langtid)",
            location="omtalen av Andebu sykehjem",
            parts={"korttid": 4, "avlastning": 5, "langtid": 30},
            stated=39,
        ),
        TotalCheck(
            id="alle-plasser",
            label="Alle sykehjem, plasser",
            location=_SANDEFJORD_NURSING,
            parts={
                "Sandefjord medisinske senter": 59,
                "Nygård": 126,
                "Kamfjordhjemmet": 64,
                "Mosserødhjemmet": 58,
                "Soletunet": 47,
                "Andebu": 39,
            },
            stated=393,
        ),
        TotalCheck(
            id="alle-arsverk",
            label="Alle sykehjem, årsverk leger",
            location=_SANDEFJORD_NURSING,
            parts={
                "Sandefjord medisinske senter": 3.8,
                "Nygård": 1.4,
                "Kamfjordhjemmet": 0.8,
                "Mosserødhjemmet": 0.4,
                "Soletunet": 0.7,
                "Andebu": 0.4,
            },
            stated=7.5,
            decimals=1,
        ),
        TotalCheck(
            id="kamfjord-tekst",
            label="Kamfjordhjemmet, plasser etter teksten",
            location="omtalen av Kamfjordhjemmet",
            parts={"forsterket korttid": 16, "langtid": 48},
            stated=64,
        ),
        TotalCheck(
            id="liggetid",
            label="Pasienter på langtidsplass i 2019 etter liggetid",
            location="tabell over liggetid",
            parts={
                "over 360 døgn": 150,
                "200–360 døgn": 67,
                "100–200 døgn": 81,
                "50–100 døgn": 48,
                "under 50 døgn": 77,
            },
            stated=423,
        ),
        TotalCheck(
            id="kostra-pleie-omsorg",
            label="Sum pleie og omsorg, Sandefjord (1000 kr)",
            location="KOSTRA-tabell",
            parts={
                "Institusjon": 43892,
                "Institusjonslokaler": 4497,
                "Hjemmeboende": 65268,
                "Aktivisering": 5160,
                "Akutthjelp": 667,
            },
            stated=119484,
        ),
        TotalCheck(
            id="kostra-pleie-omsorg-g13",
            label="Sum pleie og omsorg, KOSTRA-gruppe 13 (1000 kr)",
            location="KOSTRA-tabell",
            parts={
                "Institusjon": 44625,
                "Institusjonslokaler": 6093,
                "Hjemmeboende": 63427,
                "Aktivisering": 6381,
                "Akutthjelp": 1016,
            },
            stated=121542,
        ),
        TotalCheck(
            id="kostra-merutgift-2019",
            label="Mer-/mindreutgift 2019 (mill. kr)",
            location="KOSTRA-tabell",
            parts={
                "Institusjon": -7.8,
                "Institusjonslokaler": -17.0,
                "Hjemmeboende": 19.7,
                "Aktivisering": -13.0,
                "Akutthjelp": -3.7,
            },
            stated=-22.0,
            decimals=1,
            part_decimals=1,
        ),
        PercentageCheck(
            id="kostra-prosent",
            label="Utgifter i prosent av KOSTRA-gruppe 13",
            location="KOSTRA-tabell",
            part=119484,
            whole=121542,
            stated=98.3,
        ),
        ProductCheck(
            id="basistilskudd-per-lege",
            label="Kommunalt tillegg til basistilskuddet per fastlege",
            location="kapittel om rekruttering og stabilisering",
            factors=[0.5, 577, 1000],
            stated=288500,
        ),
        ProductCheck(
            id="basistilskudd-totalt",
            label="Kommunalt tillegg til basistilskuddet for 50 hjemler",
            location="kapittel om rekruttering og stabilisering",
            factors=[288500, 50],
            stated=14425000,
        ),
        TotalCheck(
            id="basistilskudd-okning",
            label="Basistilskudd etter økningen 1.5.2021 (kr per innbygger)",
            location="kapittel om fastlegeordningen",
            parts={"før": 499, "økning": 78},
            stated=577,
        ),
        TotalCheck(
            id="nfas-ikke-klinisk",
            label="Nfas-normen, ikke-kliniske timer per uke",
            location="vedlegg, Nfas-normen",
            parts={
                "Veiledning": 1,
                "Smågruppe": 1,
                "Internundervisning": 1,
                "Møter": 2,
                "Kurs": 2,
                "Faglig fordypning": 2.5,
                "Lunsj": 2,
            },
            stated=11.5,
            decimals=1,
        ),
        ProductCheck(
            id="nfas-kliniske-timer",
            label="Nfas-normen, timer til klinisk arbeid ved hel stilling",
            location="vedlegg, Nfas-normen",
            factors=[37.5, 0.7],
            stated=26.3,
            decimals=1,
        ),
        TotalCheck(
            id="nfas-langtid-timer",
            label="Nfas-normen, legetimer per langtidspasient per år",
            location="vedlegg, Nfas-normen",
            parts={
                "Årskontroll": 2,
                "Innskriving": 1.6,
                "Behandlingsavklaring": 1,
                "VIPS-møte": 1,
                "Samtykkekompetanse": 1.5,
                "Kompleks vurdering": 2,
                "Enkel vurdering": 2,
                "Visitt": 2,
            },
            stated=13.1,
            decimals=1,
        ),
        AverageCheck(
            id="nfas-timer-per-uke",
            label="Nfas-normen, timer per uke per langtidspasient (40 arbeidsuker)",
            location="vedlegg, Nfas-normen",
            numerator=13.1,
            denominator=40,
            stated=0.33,
            decimals=2,
        ),
        TotalCheck(
            id="nfas-korttid-timer",
            label="Nfas-normen, legetimer per korttidspasient per 4 uker",
            location="vedlegg, Nfas-normen",
            parts={"Innskriving": 1, "Epikrise": 1, "Større vurdering": 2, "Løpende visitt": 4, "Samarbeidsmøte": 1},
            stated=9,
        ),
    ],
)
"""Sandefjord: Andebu sykehjem's units add up to 41 places, the unit and the plan's total say 39."""

CHECK_SETS: dict[str, CheckSet] = {"bodo": BODO_CHECKS, "sandefjord": SANDEFJORD_CHECKS}


def example_check_set(name: str) -> CheckSet:
    """A shipped check set: «bodo» or «sandefjord»."""
    try:
        return CHECK_SETS[name.lower()]
    except KeyError:
        raise CheckSetError(f"ukjent eksempel «{name}»; velg {' eller '.join(CHECK_SETS)}") from None


def example_findings(name: str) -> tuple[Finding, ...]:
    """Findings for a shipped plan, ready for `PlanInputs.consistency_findings`."""
    return run_check_set(example_check_set(name)).findings
