"""Issue #16, items 2, 4, 6 and 7: plain words on the rota pages, one shared axis and a conclusion for compared
scenarios, the key sentence first, Norwegian numbers in the scenario form, page titles naming page and municipality,
and the phone agenda of the rota calendar."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from legeplan.i18n import text, tier_label
from legeplan.legevakt import Assignment, RotaSolution
from legeplan.legevakt.model import TierResult
from legeplan.report.charts import LineChart, Series, _line_y_range
from legeplan.web.listing import form_number, read_form_number
from legeplan.web.views import compare_conclusion, run_scenario, unreached_steps

Login = Callable[[str], tuple[TestClient, str]]
DEMO_NAME = "Sandefjord (demo)"
TIERS = ("rettferdighet_sum", "rettferdighet", "spredning", "ønsker")
JARGON = ("Problem", "Problemfil", "Nivå", "løsninger", "ikke bevist", "Optimal", ">Løs<", "Beregn")


def title_of(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found is not None
    return found.group(1)


# --- item 7: plain words --------------------------------------------------------------------------------------------


def test_rota_form_speaks_a_legevaktsjefs_language(login: Login) -> None:
    client, _ = login("redaktor")
    page = client.get("/legevakt/prov/3804").text
    assert "Lag turnus" in page and "Turnusgrunnlag (fil)" in page and "Turnusgrunnlag" in page
    for word in JARGON:
        assert word not in page, word


def test_rota_status_and_progress_in_plain_words() -> None:
    assert text("rota.status.optimal") == "Beste mulig turnus"
    assert text("rota.status.feasible").startswith("Beste funnet turnus")
    progress = text("rota.progress", tier=2, tier_name=tier_label("rettferdighet"), solutions=3, elapsed="1,5")
    assert progress.startswith("Steg 2 av 4: ") and "legen som kommer dårligst ut" in progress
    for word in ("Nivå", "skjevhet)", "løsninger"):
        assert word not in progress
    for key in ("rota.source", "rota.file", "rota.solve", "rota.status.running", "rota.file_error", "scn.run"):
        assert not any(word.strip("<>") in text(key) for word in ("Problem", "Løs", "Beregn")), key


def test_unreached_steps_are_named_in_plain_words() -> None:
    done = TierResult(
        name="rettferdighet_sum", description="", status="optimal", objective=4, bound=4, gap=0, seconds=1
    )
    assignment = Assignment(date=date(2026, 3, 30), shift_type="kveld", doctor="d1")
    solution = RotaSolution(problem_name="p", status="feasible", assignments=(assignment,), tiers=(done,))
    line = unreached_steps(solution)
    assert line.startswith("Rakk ikke innen tiden: gjør det så lite skjevt som mulig for legen som kommer dårligst ut")
    assert "oppfyller legenes ønsker" in line and "Nivå" not in line
    complete = solution.model_copy(update={"tiers": tuple(done.model_copy(update={"name": n}) for n in TIERS)})
    assert unreached_steps(complete) == ""


def test_scenario_list_links_to_vis_resultat(login: Login) -> None:
    client, _ = login("leser")
    page = client.get("/m/3804/scenarios").text
    assert ">Vis resultat</a>" in page and "Beregn" not in page


# --- item 6: comparison on one axis with a conclusion; key sentence first ------------------------------------------


def test_compare_draws_both_scenarios_on_one_axis_under_a_conclusion(login: Login, app: FastAPI) -> None:
    client, _ = login("leser")
    first, second = app.state.web_store.scenarios("3804")[:2]
    page = client.get(f"/m/3804/scenarios/compare?a={first.id}&b={second.id}").text
    assert page.count("<svg") == 1  # one chart, so one y-axis for both
    result_a = run_scenario(first.body, first.name)[1]
    result_b = run_scenario(second.body, second.name)[1]
    last_a, last_b = result_a.rows[-1], result_b.rows[-1]
    difference = last_b.positions_required - last_a.positions_required
    assert difference > 0  # the shorter target list needs more hjemler
    sentence = f"{second.name} trenger {difference} flere hjemler enn {first.name} i {last_a.year}"
    conclusion = page.index('class="key-sentence conclusion"')
    assert page.index(sentence) > conclusion
    assert conclusion < page.index("<svg") < page.index('class="data numbers compare"')


def test_compare_conclusion_says_more_fewer_or_same(app: FastAPI) -> None:
    first, second = app.state.web_store.scenarios("3804")[:2]
    result_a = run_scenario(first.body, "A")[1]
    result_b = run_scenario(second.body, "B")[1]
    more = compare_conclusion("A", result_a, "B", result_b)
    fewer = compare_conclusion("B", result_b, "A", result_a)
    same = compare_conclusion("A", result_a, "A2", result_a)
    assert more.startswith("B trenger ") and " flere hjemler enn A i " in more
    assert fewer.startswith("A trenger ") and " færre hjemler enn B i " in fewer
    assert same.startswith("A og A2 trenger like mange hjemler i ")


def test_counts_start_at_zero_when_marked() -> None:
    # A's 60 and B's 64 hjemler: from zero the difference is drawn at its true size.
    spec = LineChart(
        title="t", x=[2020, 2030], series=[Series(name="A", values=[54, 60]), Series(name="B", values=[54, 64])]
    )
    assert _line_y_range(spec)[0] > 0
    assert _line_y_range(spec.model_copy(update={"from_zero": True}))[0] == 0


def test_key_sentence_comes_first_on_the_result_page(login: Login, app: FastAPI) -> None:
    client, _ = login("leser")
    saved = app.state.web_store.scenarios("3804")[0]
    page = client.get(f"/m/3804/scenarios/{saved.id}").text
    key = run_scenario(saved.body, saved.name)[1].explanations[-1]
    assert key.startswith("Samlet må kommunen rekruttere")
    position = page.index(key[:50])
    assert position < page.index("<svg") < page.index("<table")
    assert page.count(key[:50]) == 1


# --- item 4: formats, titles, «Snittliste» --------------------------------------------------------------------------


def test_form_numbers_round_trip_in_norwegian() -> None:
    assert form_number(1013) == "1 013" and form_number(0.07) == "0,07" and form_number(1143.0) == "1 143"
    assert form_number(-2.25) == "-2,25"
    for value in (1013, 0.07, 1083.5, -2.25, 12_345_678):
        assert float(read_form_number(form_number(value))) == value
    assert read_form_number("1\u00a0013") == "1013" and read_form_number("−3") == "-3"


def test_scenario_form_shows_and_reads_norwegian_numbers(login: Login, app: FastAPI) -> None:
    client, token = login("redaktor")
    saved = app.state.web_store.scenarios("3804")[0]
    form = client.get(f"/m/3804/scenarios/{saved.id}/edit").text
    # The Sandefjord plan's own figures: 54 hjemler, snittliste 1 143, 1 013 free places, 7 % target.
    for field, shown in (("average_list_length", "1 143"), ("free_places", "1 013"), ("target_free_share", "0,07")):
        assert re.search(rf'name="{field}" value="{shown}"', form), field
    assert 'value="0.07"' not in form
    posted = {"csrf_token": token, "name": saved.name, "rounding": "nearest"}
    posted |= {"positions": "54", "average_list_length": "1 143", "free_places": "1\u00a0013"}
    posted |= {"residents_listed_elsewhere": "2 000", "target_free_share": "0,07", "retirement_age": "70"}
    assert client.post(f"/m/3804/scenarios/{saved.id}/edit", data=posted).status_code == 303
    body = app.state.web_store.scenario(saved.id).body
    assert body["free_places"] == 1013 and body["target_free_share"] == 0.07 and body["average_list_length"] == 1143


def test_every_tab_title_names_the_page_and_the_municipality(login: Login, app: FastAPI) -> None:
    client, _ = login("redaktor")
    first, second = app.state.web_store.scenarios("3804")[:2]
    pages = {
        "/m/3804/scenarios": "Dimensjoneringsscenarier",
        f"/m/3804/scenarios/{first.id}": f"Resultat: {first.name}",
        f"/m/3804/scenarios/{first.id}/edit": f"Endre {first.name}",
        f"/m/3804/scenarios/compare?a={first.id}&b={second.id}": "Sammenlign to scenarier",
        "/legevakt/prov/3804": "Prøv en turnus",
        "/import": "Importer",
    }
    for url, name in pages.items():
        title = title_of(client.get(url).text)
        assert title.startswith(name) and f"– {DEMO_NAME} –" in title, (url, title)


def test_users_page_title_names_the_municipality_the_admin_works_in(login: Login) -> None:
    client, _ = login("admin")  # the demo admin, with one stored municipality
    title = title_of(client.get("/admin/users").text)
    assert title == f"Brukere – {DEMO_NAME} – legeplan", title


def test_both_average_list_figures_say_what_they_are(login: Login, app: FastAPI) -> None:
    client, _ = login("leser")
    first, second = app.state.web_store.scenarios("3804")[:2]
    result = client.get(f"/m/3804/scenarios/{first.id}").text
    compare = client.get(f"/m/3804/scenarios/compare?a={first.id}&b={second.id}").text
    row = run_scenario(first.body, first.name)[1].rows[0]
    # Sandefjord 2020: 61 722 on the lists over 54 hjemler in place = 1 143; over the 57 needed = 1 083.
    assert round(row.average_list_length) == 1143 and round(row.listed_patients / row.positions_required) == 1083
    assert "Snittliste med dagens og planlagte hjemler" in result and "<td>1 143</td>" in result
    assert "Snittliste med hjemlene som trengs" in compare and "<td>1 083</td>" in compare
    note = text("scn.avg_list_note")
    assert note in result.replace("&#39;", "'") and note in compare


# --- item 2: the calendar as an agenda on phones --------------------------------------------------------------------


def test_calendar_days_carry_their_weekday_for_the_phone_agenda(login: Login, app: FastAPI) -> None:
    client, token = login("redaktor")
    started = client.post("/legevakt/prov/3804", data={"csrf_token": token, "source": "example", "time_limit": "2"})
    job_id = started.headers["location"].rsplit("/", 1)[1]
    assert app.state.rota_jobs.wait(job_id, 60)
    page = client.get(f"/legevakt/prov/3804/{job_id}").text
    # The example starts on Monday 30 March 2026; Easter Monday (6 April) is a holiday in its own block.
    assert '<span class="daynum" data-wd="Man">30</span>' in page
    assert re.search(r'data-wd="Man">6</span><span class="holiday">[^<]+</span>', page)
    # How fair the rota is, step by step: «Beste funnet» against «Beste mulig».
    assert '<th scope="col">Beste funnet</th><th scope="col">Beste mulig</th>' in page
    assert "<td>1</td><td>fordeler vaktene jevnt mellom legene</td>" in page
    assert "Periode 30.03.2026–26.04.2026" in page and "<dt>Vakttyper</dt><dd>Dagvakt helg/helligdag, " in page
    css = (Path(__file__).parents[2] / "src/legeplan/web/static/style.css").read_text(encoding="utf-8")
    phone = css[css.index("@media (max-width: 56rem)") :]
    assert '.daynum::before { content: attr(data-wd) " "; }' in phone
