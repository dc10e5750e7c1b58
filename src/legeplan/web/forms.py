"""Register entity forms built from the shared Pydantic models, validated server-side with errors per field.

The form is derived from the model's fields, so a field added to `legeplan.register.models` appears in the web form
without a template change. Validation is the model's own; this module only turns strings into values and Pydantic
errors into one Norwegian message per field.
"""

from __future__ import annotations

import functools
import types
import typing
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError

from legeplan.i18n import language, text, validation_message
from legeplan.register.models import FieldError, Institution, Office, Physician, PlannedPosition, Position, Register

ENTITY_KINDS: dict[str, type[BaseModel]] = {
    "offices": Office,
    "positions": Position,
    "physicians": Physician,
    "institutions": Institution,
    "planned_positions": PlannedPosition,
}
HIDDEN_FIELDS = frozenset({"municipality_code"})


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    help: str
    kind: str  # text, int, float, bool, date, choice
    required: bool
    optional: bool
    choices: tuple[str, ...] = ()


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, allows None) for `X | None` annotations."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return (args[0] if len(args) == 1 else str), True
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    return annotation, False


def form_fields(kind: str) -> list[FormField]:
    """The form fields of a register entity kind, labels in the current language (built once per kind and
    language: every register page view needs them)."""
    return list(_form_fields(kind, language()))


@functools.cache
def _form_fields(kind: str, _language: str) -> tuple[FormField, ...]:
    model = ENTITY_KINDS[kind]
    fields = []
    for name, info in model.model_fields.items():
        if name in HIDDEN_FIELDS:
            continue
        inner, optional = _unwrap(info.annotation)
        choices: tuple[str, ...] = ()
        if isinstance(inner, type) and issubclass(inner, Enum):
            form_kind, choices = "choice", tuple(str(m.value) for m in inner)
        elif inner is bool:
            form_kind = "bool"
        elif inner is int:
            form_kind = "int"
        elif inner is float:
            form_kind = "float"
        elif inner is date:
            form_kind = "date"
        else:
            form_kind = "text"
        label = text(f"field.{name}")
        label = name.replace("_", " ") if label == f"field.{name}" else label
        help_text = text(f"help.{name}")  # from the catalogue, never the model's (English) description
        help_text = "" if help_text == f"help.{name}" else help_text
        fields.append(FormField(name, label, help_text, form_kind, info.is_required(), optional, choices))
    return tuple(fields)


def form_values(entity: BaseModel | None) -> dict[str, str]:
    """Current values as the strings the inputs show."""
    if entity is None:
        return {}
    values = {}
    for name, value in entity.model_dump(mode="json").items():
        if value is None:
            values[name] = ""
        elif isinstance(value, bool):
            values[name] = "true" if value else "false"
        elif isinstance(value, float):
            values[name] = f"{value:g}".replace(".", ",")  # the form reads 7,5 back; 7.5 is English
        else:
            values[name] = str(value)
    return values


def _convert(field: FormField, raw: str) -> tuple[Any, str | None]:
    raw = raw.strip()
    if raw == "":
        if field.required:
            return None, text("error.required")
        return None, None
    if field.kind in ("int", "float") and "_" in raw:
        # Python reads 1_000 as 1000; a form value is a Norwegian number, where «_» is a typing error.
        return None, text("error.integer" if field.kind == "int" else "error.number")
    try:
        if field.kind == "int":
            return int(raw.replace(" ", "").replace("\u00a0", "")), None
        if field.kind == "float":
            return float(raw.replace(" ", "").replace(",", ".")), None
        if field.kind == "date":
            return date.fromisoformat(raw), None
    except ValueError:
        key = {"int": "error.integer", "float": "error.number", "date": "error.date"}[field.kind]
        return None, text(key)
    if field.kind == "bool":
        if raw not in ("true", "false"):
            return None, text("error.choice")
        return raw == "true", None
    if field.kind == "choice" and raw not in field.choices:
        return None, text("error.choice")
    return raw, None


def parse_entity(
    kind: str, form: typing.Mapping[str, Any], municipality_code: str
) -> tuple[BaseModel | None, dict[str, str]]:
    """The entity from a posted form, or the errors keyed by field name (nothing else is touched)."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"municipality_code": municipality_code}
    for field in form_fields(kind):
        raw = form.get(field.name, "")
        value, error = _convert(field, raw if isinstance(raw, str) else "")
        if error:
            errors[field.name] = error
        elif value is not None or field.optional:
            data[field.name] = value
    if errors:
        return None, errors
    try:
        return ENTITY_KINDS[kind].model_validate(data), {}
    except ValidationError as error:
        names = {f.name for f in form_fields(kind)}
        for item in error.errors():
            errors.setdefault(error_field(item, names), sentence(validation_message(item)))
        return None, errors


def error_field(item: typing.Mapping[str, Any], names: typing.Collection[str]) -> str:
    """The form field a Pydantic error belongs to: its location, or the field a model validator named."""
    cause = (item.get("ctx") or {}).get("error")
    location = item.get("loc") or ()
    where = str(location[0]) if location else (cause.field if isinstance(cause, FieldError) else "")
    return where if where in names else "__all__"


def sentence(message: str) -> str:
    """A message as a sentence: capital first letter and a full stop."""
    message = message.strip()
    if not message:
        return message
    message = message[0].upper() + message[1:]
    return message if message.endswith((".", "!", "?")) else message + "."


@dataclass(frozen=True)
class ReferenceProblem:
    kind: str  # entity kind holding the reference
    id: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.id}: {self.message}"


def reference_errors(register: Register) -> list[ReferenceProblem]:
    """References the register model does not check itself: position -> office, physician -> position."""
    office_ids = {o.id for o in register.offices}
    position_ids = {p.id for p in register.positions}
    problems = [
        ReferenceProblem("positions", p.id, "office_id", text("error.unknown_reference", value=p.office_id))
        for p in register.positions
        if p.office_id is not None and p.office_id not in office_ids
    ]
    problems += [
        ReferenceProblem("physicians", d.id, "position_id", text("error.unknown_reference", value=d.position_id))
        for d in register.physicians
        if d.position_id is not None and d.position_id not in position_ids
    ]
    problems += [
        ReferenceProblem("planned_positions", p.id, "replaces", text("error.unknown_reference", value=p.replaces))
        for p in register.planned_positions
        if p.replaces is not None and p.replaces not in position_ids
    ]
    return problems


def entity_id(entity: BaseModel) -> str:
    return str(getattr(entity, "id"))  # noqa: B009 - every register entity has an id


def replace_entity(register: Register, kind: str, old_id: str | None, entity: BaseModel | None) -> Register:
    """A new register with `old_id` replaced by `entity` (added if old_id is None, removed if entity is None)."""
    items = list(getattr(register, kind))
    if old_id is None:
        items.append(entity)
    else:
        index = next(i for i, item in enumerate(items) if entity_id(item) == old_id)
        if entity is None:
            items.pop(index)
        else:
            items[index] = entity
    return register.model_copy(update={kind: tuple(items)})
