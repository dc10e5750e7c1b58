"""The plan document model: chapters of paragraphs, tables and figures, each table and figure with source and date.

The model is format-neutral: `render_html`, `render_pdf` and `render_docx` (legeplan.report.render) all take a
`PlanDocument`. Builders (the municipal plan in legeplan.report.build, the regional variant in legeplan.region) only
produce this model, so a new report variant gets all three formats for free.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from legeplan.i18n import NORWEGIAN_MONTHS
from legeplan.report.charts import ChartSpec


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Paragraph(_Block):
    kind: Literal["paragraph"] = "paragraph"
    text: str = Field(min_length=1)


class BulletList(_Block):
    kind: Literal["bullets"] = "bullets"
    items: list[str] = Field(min_length=1)


class Callout(_Block):
    """A boxed remark: a consistency finding, a missing data source, a norm the municipality is below."""

    kind: Literal["callout"] = "callout"
    title: str
    text: str
    tone: Literal["info", "warning"] = "info"


class KeyFigure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    value: str
    note: str = ""


class KeyFigureGrid(_Block):
    """The headline numbers as tiles (Nøkkeltall); like a table it carries source and date."""

    kind: Literal["keyfigures"] = "keyfigures"
    figures: list[KeyFigure] = Field(min_length=1)
    source: str = Field(min_length=1)
    as_of: date


class Table(_Block):
    kind: Literal["table"] = "table"
    caption: str = Field(min_length=1)
    columns: list[str] = Field(min_length=1)
    rows: list[list[str]]
    #: Per column: right-align (numbers). Defaults to left for the first column and right for the rest.
    numeric: list[bool] | None = None
    #: Relative column widths (any positive numbers, scaled to the page); None lets the renderer decide.
    widths: list[float] | None = None
    #: Per column: never wrap (short codes such as «10.1» that must stay on one line). None: only numeric columns.
    nowrap: list[bool] | None = None
    #: Rows drawn bold at the bottom (totals).
    total_rows: list[list[str]] = Field(default_factory=list)
    source: str = Field(min_length=1)
    as_of: date
    note: str = ""

    @model_validator(mode="after")
    def _rectangular(self) -> Table:
        width = len(self.columns)
        for number, row in enumerate([*self.rows, *self.total_rows], start=1):
            if len(row) != width:
                raise ValueError(f"table {self.caption!r}, row {number}: {len(row)} cells for {width} columns")
        if self.numeric is not None and len(self.numeric) != width:
            raise ValueError(f"table {self.caption!r}: numeric has {len(self.numeric)} flags for {width} columns")
        if self.nowrap is not None and len(self.nowrap) != width:
            raise ValueError(f"table {self.caption!r}: nowrap has {len(self.nowrap)} flags for {width} columns")
        if self.widths is not None and (len(self.widths) != width or any(w <= 0 for w in self.widths)):
            raise ValueError(f"table {self.caption!r}: widths needs {width} positive numbers")
        return self

    def width_percent(self) -> list[float] | None:
        """Column widths as percentages of the table width."""
        if self.widths is None:
            return None
        total = sum(self.widths)
        return [round(100 * w / total, 2) for w in self.widths]

    def alignment(self) -> list[bool]:
        """True where a column is numeric (right-aligned)."""
        return self.numeric if self.numeric is not None else [index > 0 for index in range(len(self.columns))]

    def cell_classes(self) -> list[str]:
        """The HTML class of each column's cells: «num» (right-aligned, no wrap), «nowrap» or nothing."""
        nowrap = self.nowrap or [False] * len(self.columns)
        return [
            "num" if numeric else "nowrap" if keep else ""
            for numeric, keep in zip(self.alignment(), nowrap, strict=True)
        ]


class Figure(_Block):
    kind: Literal["figure"] = "figure"
    caption: str = Field(min_length=1)
    chart: ChartSpec
    source: str = Field(min_length=1)
    as_of: date
    #: Text alternative for screen readers; defaults to the caption.
    alt: str = ""


class Prose(_Block):
    """The municipality's own text (Markdown, figures already filled in); `origin` names the file it came from."""

    kind: Literal["prose"] = "prose"
    markdown: str = Field(min_length=1)
    origin: str = ""


class FindingItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1)
    source: str = Field(min_length=1)
    tone: Literal["info", "warning"] = "info"
    #: Where the finding is discussed («kapittel 7»), shown in the summary.
    reference: str = ""


class Findings(_Block):
    """Written findings from the numbers, each with its source (Funn i tallgrunnlaget)."""

    kind: Literal["findings"] = "findings"
    title: str = "Funn i tallgrunnlaget"
    items: list[FindingItem] = Field(min_length=1)


Block = Annotated[
    Paragraph | BulletList | Callout | KeyFigureGrid | Table | Figure | Prose | Findings, Field(discriminator="kind")
]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    blocks: list[Block] = Field(default_factory=list)


class Chapter(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9-]+$", description="Anchor in HTML, stable across runs")
    title: str = Field(min_length=1)
    blocks: list[Block] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)

    def all_blocks(self) -> list[Block]:
        return [*self.blocks, *(block for section in self.sections for block in section.blocks)]


class PlanDocument(BaseModel):
    """A whole report. `variant` lets the renderers adjust the cover (municipal plan or regional report)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    subtitle: str = ""
    organisation: str = Field(min_length=1, description="Kommune or region named on the cover and in page headers")
    organisation_code: str = ""
    as_of: date = Field(description="The date the data describe")
    generated: date
    variant: Literal["municipality", "region"] = "municipality"
    chapters: list[Chapter] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_chapters(self) -> PlanDocument:
        seen: set[str] = set()
        for chapter in self.chapters:
            if chapter.id in seen:
                raise ValueError(f"chapter id {chapter.id!r} is used twice")
            seen.add(chapter.id)
        return self

    def tables(self) -> list[Table]:
        return [block for chapter in self.chapters for block in chapter.all_blocks() if isinstance(block, Table)]

    def figures(self) -> list[Figure]:
        return [block for chapter in self.chapters for block in chapter.all_blocks() if isinstance(block, Figure)]


def numbering(doc: PlanDocument) -> dict[int, str]:
    """'Tabell 2.1' / 'Figur 4.2' per block (keyed by id()), numbered within each chapter as the seeds do."""
    labels: dict[int, str] = {}
    for chapter_number, chapter in enumerate(doc.chapters, start=1):
        table_count = 0
        figure_count = 0
        for block in chapter.all_blocks():
            if isinstance(block, Table):
                table_count += 1
                labels[id(block)] = f"Tabell {chapter_number}.{table_count}"
            elif isinstance(block, Figure):
                figure_count += 1
                labels[id(block)] = f"Figur {chapter_number}.{figure_count}"
    return labels


def norwegian_date(when: date) -> str:
    """date(2024, 1, 1) -> '1. januar 2024'."""
    return f"{when.day}. {NORWEGIAN_MONTHS[when.month - 1]} {when.year}"
