"""Every message the forms show is bokmål and sits under the field it is about (audit 57)."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field, ValidationError

from legeplan.i18n import decimal, tier_label, validation_message
from legeplan.web.forms import ENTITY_KINDS, form_fields, parse_entity

Login = Callable[[str], tuple[TestClient, str]]
ENGLISH = re.compile(r"Input should|should be|is in the future|is before|Value error|Field required|Current hjemmel")


def field_error(html: str, field: str) -> str:
    match = re.search(rf'id="e-{field}">([^<]*)</span>', html)
    assert match, f"no error under {field}"
    return match.group(1)


class _Limits(BaseModel):
    share: float = Field(ge=0, le=1)
    count: int = Field(gt=0)
    name: str = Field(min_length=2)
    sex: str = Field(pattern="^[FM]$")


@pytest.mark.parametrize(
    ("data", "field", "expected"),
    [
        ({"share": -1}, "share", "Må være 0 eller mer."),
        ({"share": 1.7}, "share", "Må være 1 eller mindre."),
        ({"share": "mye"}, "share", "Må være et tall."),
        ({"count": 0}, "count", "Må være større enn 0."),
        ({"count": "tre"}, "count", "Må være et heltall."),
        ({"name": "A"}, "name", "Må ha minst 2 tegn."),
        ({}, "share", "Må fylles ut."),
    ],
)
def test_pydantic_errors_become_norwegian_with_the_limit(data: dict[str, object], field: str, expected: str) -> None:
    full = {"share": 0.5, "count": 1, "name": "AB", "sex": "F"} | data
    if not data:
        full.pop("share")
    with pytest.raises(ValidationError) as caught:
        _Limits.model_validate(full)
    item = next(e for e in caught.value.errors() if e["loc"] == (field,))
    assert validation_message(item) == expected


def test_physician_form_errors_are_norwegian_and_under_their_fields() -> None:
    form = {
        "id": "L001",
        "name": "Anne Hansen",
        "birth_year": "3000",
        "sex": "F",
        "position_id": "H001",
        "employment_fraction": "1,7",
        "start_date": "2001-01-01",
        "end_date": "1990-01-01",
    }
    _entity, errors = parse_entity("physicians", form, "3804")
    assert errors == {"employment_fraction": "Må være 1 eller mindre."}
    form["employment_fraction"] = "0,5"
    _entity, errors = parse_entity("physicians", form, "3804")
    assert errors == {"birth_year": "Fødselsåret 3000 er fram i tid."}
    form["birth_year"] = "1970"
    _entity, errors = parse_entity("physicians", form, "3804")
    assert errors == {"end_date": "Sluttdatoen er før startdatoen."}
    form |= {"end_date": "", "municipal_duty_hours": "40"}
    _entity, errors = parse_entity("physicians", form, "3804")
    assert list(errors) == ["municipal_duty_hours"] and "37,5" in errors["municipal_duty_hours"]


def test_position_over_its_ceiling_is_reported_at_listed_patients() -> None:
    form = {"id": "H99", "list_ceiling": "1000", "listed_patients": "1100"}
    _entity, errors = parse_entity("positions", form, "3804")
    assert errors == {"listed_patients": "Pasienter på lista (1100) er flere enn listetaket (1000)."}


def test_help_texts_come_from_the_catalogue_not_the_models() -> None:
    helps = {f.name: f.help for kind in ENTITY_KINDS for f in form_fields(kind)}
    assert helps["position_id"] == "Hjemmelen legen har i dag (for fastleger)."
    assert helps["listed_patients"].startswith("Antall pasienter")
    for help_text in helps.values():
        assert not re.search(r"\b(the|if|is|for GPs|hours|Patients|None)\b", help_text), help_text


def test_unknown_reference_is_shown_under_the_field(login: Login, app: FastAPI) -> None:
    client, token = login("redaktor")
    response = client.post(
        "/m/3804/register/positions/save",
        data={
            "csrf_token": token,
            "old_id": "H001",
            "id": "H001",
            "office_id": "K99",
            "list_ceiling": "1200",
            "listed_patients": "1100",
            "operating_model": "naeringsdrift",
            "status": "filled",
        },
    )
    assert response.status_code == 400
    assert field_error(response.text, "office_id") == "Finnes ikke i registeret: K99"
    # The error summary at the top (issue #16) has exactly this one error, linking to its field.
    summary = response.text.split('class="ds-error-summary"', 1)[1].split("</div>", 1)[0]
    assert summary.count("<li>") == 1 and 'href="#f-office_id"' in summary


def test_physician_page_shows_bokmal_under_each_field(login: Login) -> None:
    client, token = login("redaktor")
    response = client.post(
        "/m/3804/register/physicians/save",
        data={
            "csrf_token": token,
            "id": "L999",
            "name": "Test Lege",
            "birth_year": "1970",
            "sex": "F",
            "start_date": "2001-01-01",
            "end_date": "1990-01-01",
            "employment_fraction": "1",
        },
    )
    assert response.status_code == 400
    assert field_error(response.text, "end_date") == "Sluttdatoen er før startdatoen."
    assert not ENGLISH.search(response.text)


def test_scenario_errors_are_norwegian_under_the_field(login: Login, app: FastAPI) -> None:
    client, token = login("redaktor")
    first = app.state.web_store.scenarios("3804")[0]
    page = client.get(f"/m/3804/scenarios/{first.id}/edit").text
    assert re.search(r'<option value="nearest"[^>]*>nærmeste</option>', page)
    assert '<option value="up">opp</option>' in page and '<option value="down">ned</option>' in page
    bad = client.post(
        f"/m/3804/scenarios/{first.id}/edit",
        data={
            "csrf_token": token,
            "name": first.name,
            "positions": "54",
            "target_list_length": "0",
            "target_free_share": "1,5",
            "rounding": "up",
        },
    )
    assert bad.status_code == 400
    assert field_error(bad.text, "target_list_length") == "Må være 1 eller mer."
    assert field_error(bad.text, "target_free_share") == "Må være mindre enn 1."
    assert "skjema:" not in bad.text and not ENGLISH.search(bad.text)


# --- no hard-coded text outside the catalogue ------------------------------------------------------------------------

#: Text a template may show literally: brand and file-format names, and the A/B of the comparison form.
ALLOWED_LITERALS = {"legeplan", "CSV", "Excel", "iCalendar", "JSON", "A", "B"}
#: Templates exempt from the scan (none: the region page's text moved to the catalogue too).
NOT_CHECKED: set[str] = set()


class _TextNodes(HTMLParser):
    """Literal text nodes and human-readable attributes of a template, with every Jinja tag removed."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style")
        self.found += [v for k, v in attrs if k in ("aria-label", "title", "placeholder", "alt") and v]

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.found.append(data)


def literal_texts(source: str) -> list[str]:
    parser = _TextNodes()
    parser.feed(re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", " ", source, flags=re.S))
    words = []
    for chunk in parser.found:
        words += [w for w in re.findall(r"[A-Za-zÆØÅæøåÉé]+", chunk) if w not in ALLOWED_LITERALS]
    return words


def test_the_scanner_catches_hard_coded_text() -> None:
    assert literal_texts('<nav aria-label="Hovedmeny">{{ t("x") }}</nav>') == ["Hovedmeny"]
    assert literal_texts("<p>{{ n }} vakter · {{ s }} s</p>") == ["vakter", "s"]
    assert literal_texts("<p>{{ t('x') }} <a>CSV</a></p><script>var a = 1;</script>") == []


def test_templates_have_no_text_outside_the_catalogue() -> None:
    templates = Path(__file__).resolve().parents[2] / "src" / "legeplan" / "web" / "templates"
    found = {
        path.name: words
        for path in sorted(templates.glob("*.html"))
        if path.name not in NOT_CHECKED and (words := literal_texts(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_python_code_of_the_web_app_takes_its_words_from_the_catalogue() -> None:
    web = Path(__file__).resolve().parents[2] / "src" / "legeplan" / "web"
    for name in ("app.py", *(f"routes/{p.name}" for p in sorted(web.joinpath("routes").glob("*.py")))):
        source = web.joinpath(name).read_text(encoding="utf-8")
        for phrase in ("filen er større", '"endret"', '"opprettet"', '"slettet"', '"importert"', 'f"Legevakt '):
            assert phrase not in source, (name, phrase)


def test_progress_names_the_tier_in_norwegian_with_a_decimal_comma() -> None:
    assert tier_label("rettferdighet_sum") == "fordeler vaktene jevnt mellom legene"
    assert decimal(1.74) == "1,7"


# --- bad query parameters ------------------------------------------------------------------------------------------


def test_bad_query_parameter_gives_the_error_page_on_html_and_json_on_the_api(login: Login, app: FastAPI) -> None:
    client, _ = login("redaktor")
    page = client.get("/m/3804/scenarios/compare?a=1&b=abc")
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert "Ugyldig verdi for «b»: Må være et heltall." in page.text
    assert '"detail"' not in page.text
    assert "Logg ut" in page.text, "the logged-in user's menu is missing on the error page"
    api = client.get("/api/municipalities/3804/scenarios/abc/result")
    assert api.status_code == 422 and api.headers["content-type"].startswith("application/json")
    assert api.json()["detail"][0]["loc"][-1] == "scenario_id"


# --- offline assets ---------------------------------------------------------------------------------------------------


def test_docs_use_only_local_assets(app: FastAPI) -> None:
    client = TestClient(app)
    page = client.get("/docs")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href|url)\s*[:=]\s*['"]([^'"]+)['"]""", page.text)
    assert "/static/swagger/swagger-ui-bundle.js" in urls and "/static/swagger/swagger-ui.css" in urls
    assert all(u.startswith("/") for u in urls), urls
    assert "http://" not in page.text and "https://" not in page.text
    for url in ("/static/swagger/swagger-ui-bundle.js", "/static/swagger/swagger-ui.css", "/static/favicon.svg"):
        assert client.get(url).status_code == 200, url
    assert client.get("/redoc").status_code == 404  # ReDoc would load from a CDN


def test_every_page_links_the_favicon(login: Login) -> None:
    client, _ = login("leser")
    page = client.get("/m/3804").text
    assert '<link rel="icon" href="/static/favicon.svg"' in page


# --- admin, comparison and demo (audit 57, item 8) -------------------------------------------------------------------


def test_admin_cannot_create_a_user_for_an_unknown_municipality(login: Login, app: FastAPI) -> None:
    client, _ = login("admin")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/admin/users").text)
    assert token
    response = client.post(
        "/admin/users",
        data={
            "csrf_token": token.group(1),
            "username": "ny",
            "password": "langt-passord-1",
            "role": "viewer",
            "municipality_code": "9999",
        },
    )
    assert response.status_code == 400 and "Ukjent kommunenummer." in response.text
    assert app.state.web_store.user_with_hash("ny") is None


def test_compare_has_a_difference_column(login: Login, app: FastAPI) -> None:
    client, _ = login("leser")
    first, second = app.state.web_store.scenarios("3804")[:2]
    page = client.get(f"/m/3804/scenarios/compare?a={first.id}&b={second.id}").text
    assert "Forskjell (B − A)" in page and 'class="data numbers compare"' in page
    assert re.search(r'<td class="diff">[+−]\d+</td>', page)


def test_the_demo_has_an_earlier_version_so_trend_arrows_show(login: Login, app: FastAPI) -> None:
    assert app.state.storage.snapshot_dates("3804")[0] < app.state.storage.snapshot_dates("3804")[-1]
    page = login("leser")[0].get("/m/3804").text
    assert "Ingen tidligere registerversjon" not in page
    assert "trend-up" in page and "uendret" in page
