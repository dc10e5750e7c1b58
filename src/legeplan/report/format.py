"""Number, money and word formatting shared by the chapters (bokmål: «1 013», «6,2 %», «1 fastlege»)."""

from __future__ import annotations

from legeplan.report.charts import norwegian_number

REGISTER_SOURCE = "Kommunens legeregister (legeplan)"
#: Non-breaking space, so «64 500» is not split over two lines.
NBSP = "\u00a0"


def number(value: float, decimals: int = 0) -> str:
    return norwegian_number(value, decimals)


def decimal(value: float, decimals: int = 1) -> str:
    """«7,5» but «12» for a whole number: no «12,0»."""
    return norwegian_number(value, decimals).removesuffix("," + "0" * decimals) if decimals else number(value)


def percent(value: float | None, decimals: int = 1) -> str:
    return "–" if value is None else f"{norwegian_number(value * 100, decimals)} %"


def money(value: float) -> str:
    return f"{norwegian_number(value)} kr"


def money_range(low: float, high: float) -> str:
    """«5 000 000–6 000 000 kr», or one amount when the ends are equal (no «0 kr–0 kr»)."""
    if round(low) == round(high):
        return money(low)
    return f"{norwegian_number(low)}–{money(high)}"


def count(value: int, singular: str, plural: str) -> str:
    """«1 fastlege», «2 fastleger», «0 fastleger»."""
    return f"{number(value)} {singular if value == 1 else plural}"


def kommune_name(name: str) -> str:
    """«Sandefjord kommune», keeping a parenthesised label last: «Sandefjord kommune (demo)», not «… (demo) kommune»."""
    base, bracket, rest = name.partition(" (")
    if base.lower().endswith("kommune"):
        return name
    return f"{base} kommune ({rest}" if bracket else f"{name} kommune"
