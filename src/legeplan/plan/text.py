"""The municipality's own text in the plan: one Markdown file per chapter in a folder (`plantekst/`).

`legeplan plan init` writes the folder with a short guide per section as Markdown comments; the municipality writes
under the headings; `legeplan report --text plantekst/` merges the text into the generated chapters on every run,
so nothing written is lost when the numbers are regenerated. Computed figures are referenced as `{{ ledig_kapasitet }}`
(names in legeplan.plan.variables); the text is rendered in a sandboxed Jinja environment and an unknown name is an
error naming the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field

from legeplan.plan.outline import CHAPTER_IDS, OUTLINE, ChapterOutline, file_name, outline


class PlanTextError(ValueError):
    """A text file that cannot be used; the message names the file and, where known, the line."""


class TextSection(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    markdown: str
    #: The outline's key, or "" for a section the municipality added with its own heading.
    key: str = ""


class ChapterText(BaseModel):
    """One chapter's text after rendering: the part before the first heading, and each `## heading` part."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    origin: str
    intro: str = ""
    sections: tuple[TextSection, ...] = ()

    def section(self, key: str) -> str:
        return next((section.markdown for section in self.sections if section.key == key), "")

    def extra(self) -> list[TextSection]:
        return [section for section in self.sections if not section.key]


class SourceFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    text: str


class PlanTextSource(BaseModel):
    """The unrendered files of a text folder, per chapter id."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    folder: str
    files: dict[str, SourceFile] = Field(default_factory=dict)


class PlanText(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    folder: str = ""
    chapters: dict[str, ChapterText] = Field(default_factory=dict)

    def chapter(self, chapter_id: str) -> ChapterText | None:
        return self.chapters.get(chapter_id)


_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
#: A section heading in a chapter file («## Tittel»); the chapter files and the estimate read them alike.
SECTION_HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$")
_FILE = re.compile(r"^(?:\d+-)?([a-z0-9-]+)\.md$")


def strip_comments(text: str) -> str:
    """Markdown comments removed, keeping the line count so error line numbers still match the file."""
    return _COMMENT.sub(lambda match: "\n" * match.group(0).count("\n"), text)


def read_text_folder(folder: Path) -> PlanTextSource:
    """Every `NN-kapittel.md` file of the folder; an unknown file name is an error (a typo would lose text)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PlanTextError(f"{folder}: mappen finnes ikke")
    files: dict[str, SourceFile] = {}
    for path in sorted(folder.glob("*.md")):
        match = _FILE.match(path.name)
        chapter_id = match.group(1) if match else ""
        if chapter_id not in CHAPTER_IDS:
            raise PlanTextError(
                f"{path}: filnavnet svarer ikke til noe kapittel; gyldige navn er for eksempel "
                f"{file_name('fastlegeordningen')} og {file_name('legevakt')}"
            )
        if chapter_id in files:
            raise PlanTextError(f"{path}: kapittelet «{chapter_id}» har allerede en fil ({files[chapter_id].path})")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise PlanTextError(f"{path}: filen er ikke UTF-8 ({error.reason})") from error
        files[chapter_id] = SourceFile(path=str(path), text=text)
    return PlanTextSource(folder=str(folder), files=files)


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


def check_names(path: str, text: str, names: Mapping[str, str]) -> None:
    """Every `{{ name }}` in the text is a known figure; else an error naming the file and line."""
    environment = _environment()
    try:
        tree = environment.parse(text)
    except TemplateSyntaxError as error:
        raise PlanTextError(f"{path}, linje {error.lineno}: feil i {{{{ … }}}}-uttrykket: {error.message}") from error
    stored = {node.name for node in tree.find_all(nodes.Name) if node.ctx in ("store", "param")}
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name not in names and node.name not in stored:
            close = [name for name in names if name.startswith(node.name[:4])][:3]
            hint = f" Mente du {', '.join(close)}?" if close else ""
            raise PlanTextError(
                f"{path}, linje {node.lineno}: ukjent tall «{{{{ {node.name} }}}}». Navnene er listet i "
                f"docs/report.md (for eksempel ledig_kapasitet, fastleger, hjemler).{hint}"
            )


def render_chapter(chapter: ChapterOutline, source: SourceFile, values: Mapping[str, str]) -> ChapterText:
    """One file: comments out, figures in (sandboxed Jinja), split at `## ` headings into the outline's sections."""
    text = strip_comments(source.text)
    check_names(source.path, text, values)
    try:
        rendered = _environment().from_string(text).render(**values)
    except (TemplateError, SecurityError) as error:
        line = getattr(error, "lineno", None)
        where = f", linje {line}" if line else ""
        raise PlanTextError(f"{source.path}{where}: teksten kan ikke settes sammen: {error}") from error
    by_title = {section.title.lower(): section.key for section in chapter.sections}
    by_title |= {section.key: section.key for section in chapter.sections}
    intro: list[str] = []
    parts: list[tuple[str, list[str]]] = []
    for line in rendered.splitlines():
        heading = SECTION_HEADING.match(line)
        if heading:
            parts.append((heading.group(1).strip(), []))
        elif parts:
            parts[-1][1].append(line)
        else:
            intro.append(line)
    sections = []
    seen: set[str] = set()
    for title, lines in parts:
        key = by_title.get(title.lower(), "")
        if key and key in seen:
            raise PlanTextError(f"{source.path}: overskriften «## {title}» står to ganger")
        seen.add(key)
        body = "\n".join(lines).strip()
        if body:
            sections.append(TextSection(title=title if not key else chapter.section(key).title, markdown=body, key=key))
    return ChapterText(origin=source.path, intro="\n".join(intro).strip(), sections=tuple(sections))


def render_plan_text(source: PlanTextSource, values: Mapping[str, str]) -> PlanText:
    return PlanText(
        folder=source.folder,
        chapters={
            chapter_id: render_chapter(outline(chapter_id), file, values) for chapter_id, file in source.files.items()
        },
    )


HEADER = """<!--
{title} – kapittel {number}: {chapter}

Skriv kommunens egen tekst under overskriftene (Markdown: tomme linjer mellom avsnitt, «- » for punktlister,
**fet** og *kursiv*). Tekst før første overskrift blir innledningen til kapitlet. Egne overskrifter («## …») blir
egne underkapitler. Tall fra registeret settes inn med doble klammer, for eksempel {{{{ ledig_kapasitet }}}} eller
{{{{ fastleger }}}}; listen over navn står i docs/report.md. Kommentarer som denne vises ikke i planen.
Filen leses hver gang planen lages (legeplan report --text MAPPE), så teksten går ikke tapt.
-->
"""


def chapter_template(chapter: ChapterOutline, drafts: Mapping[str, str] | None = None) -> str:
    """The Markdown file `plan init` writes for one chapter: header, guides as comments, optional draft text."""
    drafts = drafts or {}
    number = CHAPTER_IDS.index(chapter.id) + 1
    lines = [HEADER.format(title="Plan for legetjenesten", number=number, chapter=chapter.title)]
    if chapter.guide:
        lines.append(f"<!-- {chapter.guide} -->\n")
    if drafts.get(""):
        lines.append(drafts[""] + "\n")
    for section in chapter.sections:
        lines.append(f"## {section.title}\n")
        guide = section.guide
        if section.computed:
            guide = (guide + " " if guide else "") + "Planen viser beregnede tabeller, figurer og funn under teksten."
        if guide:
            lines.append(f"<!-- {guide} -->\n")
        if drafts.get(section.key):
            lines.append(drafts[section.key] + "\n")
    return "\n".join(lines)


def write_text_folder(
    folder: Path, drafts: Mapping[str, Mapping[str, str]] | None = None, *, overwrite: bool = False
) -> list[Path]:
    """One Markdown file per chapter. Existing files are kept unless `overwrite` (the municipality's text is never
    replaced by accident); returns the files written."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise PlanTextError(f"{folder}: finnes og er ikke en mappe")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for chapter in OUTLINE:
        path = folder / file_name(chapter.id)
        if path.exists() and not overwrite:
            continue
        path.write_text(chapter_template(chapter, (drafts or {}).get(chapter.id)), encoding="utf-8")
        written.append(path)
    return written


def demo_text_folder() -> Path:
    """The example text for the demo municipality, shipped as package data."""
    return Path(__file__).with_name("demo")
