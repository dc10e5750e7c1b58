"""The legevaktsjef's pages (/legevakt/…): create a legevakt and a period, solve and publish as jobs, mark a doctor ill
and see only what had to change, candidates, a stale save refused, hours CSV as legevakt/hours.py counts them,
calendar subscription revoked → 404, roles and scope."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from importlib.resources import files

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from legeplan.i18n import text
from legeplan.legevakt.hours import hours_csv, payroll_hours
from legeplan.legevakt.model import Role
from legeplan.storage.rota_store import RotaStore

Login = Callable[[str], tuple[TestClient, str]]
SMALL = files("legeplan.legevakt").joinpath("data", "small.toml").read_bytes()


def _wait(app: FastAPI, location: str) -> None:
    job_id = location.rsplit("/", 1)[-1]
    job = app.state.job_queue.wait(job_id, 120)
    assert job is not None and job.state == "done", job


def _published_period(app: FastAPI, client: TestClient, csrf: str) -> int:
    made = client.post("/legevakt", data={"csrf_token": csrf, "name": "Bodø legevakt", "members": "3804"})
    assert made.status_code == 303, made.text
    legevakt = made.headers["location"]
    period = client.post(
        f"{legevakt}/perioder",
        data={"csrf_token": csrf, "source": "file", "name": "Påsken 2026"},
        files={"problem_file": ("small.toml", SMALL, "application/toml")},
    )
    assert period.status_code == 303, period.text
    period_id = int(period.headers["location"].rsplit("/", 1)[-1])
    solve = client.post(
        f"/legevakt/periode/{period_id}/los", data={"csrf_token": csrf, "version": "1", "time_limit": "3"}
    )
    assert solve.status_code == 303 and "/legevakt/jobb/" in solve.headers["location"]
    _wait(app, solve.headers["location"])
    done = client.get(solve.headers["location"])
    assert done.status_code == 303 and done.headers["location"] == f"/legevakt/periode/{period_id}"
    store = RotaStore(app.state.storage)
    period_now = store.period(period_id)
    assert period_now is not None and period_now.version == 2
    published = client.post(f"/legevakt/periode/{period_id}/publiser", data={"csrf_token": csrf, "version": "2"})
    assert published.status_code == 303
    return period_id


@pytest.mark.slow
def test_publish_then_repair_an_illness_changes_only_what_must(app: FastAPI, login: Login) -> None:
    client, csrf = login("redaktor")
    period_id = _published_period(app, client, csrf)
    store = RotaStore(app.state.storage)
    period = store.period(period_id)
    assert period is not None and period.state == "publisert" and period.published_version == 1
    page = client.get(f"/legevakt/periode/{period_id}")
    assert text("lv.state.publisert") in page.text
    before = store.current_version(period_id)
    assert before is not None

    start = period.start + timedelta(days=7)
    end = start + timedelta(days=6)
    his = {a for a in before.assignments if a.doctor == "moe" and start <= a.date <= end}
    assert his
    absent = client.post(
        f"/legevakt/periode/{period_id}/fravaer",
        data={"csrf_token": csrf, "version": "3", "doctor": "moe", "from": str(start), "to": str(end), "why": "Syk"},
    )
    assert absent.status_code == 303, absent.text
    _wait(app, absent.headers["location"])
    after = store.current_version(period_id)
    assert after is not None and after.number == 2 and after.source == "repair"
    removed = set(before.assignments) - set(after.assignments)
    added = set(after.assignments) - set(before.assignments)
    assert his <= removed and not {a for a in after.assignments if a.doctor == "moe" and start <= a.date <= end}
    event = store.events(period_id, kind="repair")[0]
    assert event.detail["changed_assignments"] == len(removed) + len(added)
    assert {(c["date"], c["shift_type"]) for c in event.detail["changes"]} == {
        (str(a.date), a.shift_type) for a in removed | added
    }
    # The period page lists every changed assignment; the published version stays readable.
    shown = client.get(f"/legevakt/periode/{period_id}")
    assert 'id="changes"' in shown.text and text("lv.changed_count", n=len(event.detail["changes"])) in shown.text
    old = client.get(f"/legevakt/periode/{period_id}?versjon=1")
    assert old.status_code == 200 and text("lv.rota_version", n=1) in old.text
    events = client.get(f"/legevakt/periode/{period_id}/hendelser")
    assert text("lv.event.repair") in events.text and text("lv.event.absence") in events.text

    # A save based on the version before the repair is refused with the conflict message, and nothing changes.
    stale = client.post(
        f"/legevakt/periode/{period_id}/endre",
        data={
            "csrf_token": csrf,
            "version": "3",
            "date": str(period.start),
            "shift": "kveld",
            "from_doctor": "",
            "to_doctor": "aas",
        },
    )
    assert stale.status_code == 409
    assert text("lv.conflict", current=4).split("(")[0] in stale.text
    assert (store.current_version(period_id) or after).number == 2

    # Hours for payroll: the CSV is exactly what legevakt/hours.py counts for the live rota.
    csv_file = client.get(f"/legevakt/periode/{period_id}/timer.csv")
    assert csv_file.status_code == 200 and csv_file.headers["content-type"].startswith("text/csv")
    assert csv_file.text == hours_csv(payroll_hours(period.problem, after.assignments))
    assert csv_file.content.startswith("\ufefflege;navn;måned;".encode())  # what a Norwegian Excel opens as columns
    fairness = client.get(f"/legevakt/{period.legevakt_id}/rettferdighet.csv")
    assert fairness.status_code == 200 and fairness.content.startswith("\ufefflege;navn;alle_vakter;".encode())
    shares = [line.split(";")[6] for line in fairness.text.splitlines()[1:]]
    assert shares and all("." not in share for share in shares) and any("," in share for share in shares)
    xlsx = client.get(f"/legevakt/periode/{period_id}/timer.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.slow
def test_candidates_edits_checked_by_the_rules_and_calendar_tokens(app: FastAPI, login: Login) -> None:
    client, csrf = login("redaktor")
    period_id = _published_period(app, client, csrf)
    assert 'href="/legevakt/jobb/' in client.get("/jobs").text  # the period's solve, linked from «Jobber»
    store = RotaStore(app.state.storage)
    rota = store.current_version(period_id)
    assert rota is not None
    duties = [a for a in rota.assignments if a.role is Role.VAKT]  # bakvakter are not what «erstatter» replaces
    night = next(a for a in duties if a.shift_type == "natt")
    evening = next(
        a
        for a in duties
        if a.shift_type == "kveld" and a.date == night.date + timedelta(days=1) and a.doctor != night.doctor
    )
    page = client.get(
        f"/legevakt/periode/{period_id}/kandidater",
        params={"dato": str(evening.date), "vakt": "kveld", "erstatter": evening.doctor},
    )
    assert page.status_code == 200
    ranked = re.findall(r'name="to_doctor" value="([^"]+)"', page.text)
    assert ranked and night.doctor not in ranked

    # The night doctor on the next evening: refused, and the refusal names the rule.
    refused = client.post(
        f"/legevakt/periode/{period_id}/endre",
        data={
            "csrf_token": csrf,
            "version": "3",
            "date": str(evening.date),
            "shift": "kveld",
            "from_doctor": evening.doctor,
            "to_doctor": night.doctor,
        },
    )
    assert refused.status_code == 400 and "regel:" in refused.text
    accepted = client.post(
        f"/legevakt/periode/{period_id}/endre",
        data={
            "csrf_token": csrf,
            "version": "3",
            "date": str(evening.date),
            "shift": "kveld",
            "from_doctor": evening.doctor,
            "to_doctor": ranked[0],
            "why": "bytte",
        },
    )
    assert accepted.status_code == 303
    assert (store.current_version(period_id) or rota).number == 2

    # Calendar: a secret URL without login, 404 once revoked.
    legevakt_id = (store.period(period_id) or pytest.fail()).legevakt_id
    made = client.post(f"/legevakt/{legevakt_id}/kalender", data={"csrf_token": csrf, "doctor": "moe"})
    assert made.status_code == 200
    url = re.search(r'<code id="token-url">([^<]+)</code>', made.text)
    assert url
    path = url.group(1).split("testserver", 1)[-1]
    anonymous = TestClient(app)
    feed = anonymous.get(path)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    mine = [a for a in (store.current_version(period_id) or rota).assignments if a.doctor == "moe"]
    assert feed.text.count("BEGIN:VEVENT") == len(mine) and "TZID=Europe/Oslo" in feed.text
    token = store.calendar_tokens(legevakt_id)[0]
    revoked = client.post(f"/legevakt/{legevakt_id}/kalender/{token.id}/trekk", data={"csrf_token": csrf})
    assert revoked.status_code == 303
    assert anonymous.get(path).status_code == 404
    assert anonymous.get("/kalender/gjett.ics").status_code == 404


def test_roles_scope_and_a_period_from_the_register(app: FastAPI, login: Login) -> None:
    editor, csrf = login("redaktor")
    made = editor.post("/legevakt", data={"csrf_token": csrf, "name": "Bodø legevakt", "members": "3804"})
    legevakt = made.headers["location"]
    # Not a member municipality of the editor: refused with a Norwegian message.
    other = editor.post("/legevakt", data={"csrf_token": csrf, "name": "Annen", "members": "1804"})
    assert other.status_code == 400 and text("lv.members_scope") in other.text
    # A member municipality without a register: a form error naming the code, nothing stored.
    before = len(RotaStore(app.state.storage).legevakter())
    unknown = editor.post("/legevakt", data={"csrf_token": csrf, "name": "Ny", "members": "3804, 9999"})
    assert unknown.status_code == 400 and "Kommune 9999 har ikke noe fastlegeregister" in unknown.text
    assert len(RotaStore(app.state.storage).legevakter()) == before
    period = editor.post(
        f"{legevakt}/perioder",
        data={"csrf_token": csrf, "source": "register", "start": "2020-09-07", "end": "2020-10-04"},
    )
    assert period.status_code == 303, period.text
    period_id = int(period.headers["location"].rsplit("/", 1)[-1])
    stored = RotaStore(app.state.storage).period(period_id)
    assert stored is not None and stored.state == "utkast" and len(stored.problem.doctors) > 10
    bad = editor.post(
        f"{legevakt}/perioder",
        data={"csrf_token": csrf, "source": "register", "start": "2020-10-04", "end": "2020-09-07"},
    )
    assert bad.status_code == 400 and "før start" in bad.text
    # Coverage before any rota: by the shift times alone.
    assert editor.get(f"/legevakt/periode/{period_id}/dekning").status_code == 200

    viewer, viewer_csrf = login("leser")
    assert viewer.get(f"/legevakt/periode/{period_id}").status_code == 200
    denied = viewer.post(f"/legevakt/periode/{period_id}/publiser", data={"csrf_token": viewer_csrf, "version": "1"})
    assert denied.status_code == 403
    outsider, _ = login("bodo")
    assert outsider.get(legevakt).status_code == 404
    assert outsider.get(f"/legevakt/periode/{period_id}").status_code == 404
    assert "Bodø legevakt" not in outsider.get("/legevakt").text


def test_coverage_page_and_stale_settings(app: FastAPI, login: Login) -> None:
    from datetime import date, time

    from legeplan.legevakt import example_problem
    from legeplan.legevakt.model import DaySelector, RotaProblem, ShiftType

    client, csrf = login("redaktor")
    store = RotaStore(app.state.storage)
    legevakt = store.create_legevakt("Vefsn legevakt", ["3804"], "sjef")
    # Seed 000 (Vefsn 5.2.4): 15.30–08 on weekdays, 09–09 on weekends and holidays: Saturday 08–09 has no doctor.
    vefsn = RotaProblem(
        name="Vefsn-lik",
        start=date(2026, 3, 2),
        end=date(2026, 3, 29),
        shift_types=(
            ShiftType(id="hverdag", name="Hverdag", start=time(15, 30), end=time(8), days=DaySelector.WEEKDAYS),
            ShiftType(id="helg", name="Helg", start=time(9), end=time(9), days=DaySelector.WEEKENDS_HOLIDAYS),
        ),
        doctors=example_problem("small").doctors,
    )
    period = store.create_period(legevakt.id, vefsn, "sjef")
    page = client.get(f"/legevakt/periode/{period.id}/dekning")
    assert page.status_code == 200
    assert "lørdag" in page.text and "08:00–09:00" in page.text
    assert text("lv.uncovered_hours", hours="4,0") in page.text

    saved = client.post(
        f"/legevakt/{legevakt.id}/innstillinger",
        data={"csrf_token": csrf, "version": "1", "name": "Vefsn legevakt", "wish_deadline_days": "21"},
    )
    assert saved.status_code == 303
    stale = client.post(
        f"/legevakt/{legevakt.id}/innstillinger",
        data={"csrf_token": csrf, "version": "1", "name": "Gammelt navn", "wish_deadline_days": "7"},
    )
    assert stale.status_code == 409 and "Ingenting er lagret" in stale.text
    kept = store.legevakt(legevakt.id)
    assert kept is not None and (kept.name, kept.wish_deadline_days) == ("Vefsn legevakt", 21)


def test_the_one_off_rota_lives_under_legevakter_and_old_addresses_redirect(app: FastAPI, login: Login) -> None:
    """The menu has one «Legevakter» (no «Legevakt» beside it); «Prøv en turnus» is reached from it, its pages mark
    «Legevakter» as the current menu item, and the old /m/{kode}/rota addresses answer 308 to the new ones (a post
    stays a post); a user without access to the municipality gets 404, not a redirect."""
    client, csrf = login("redaktor")
    listing = client.get("/legevakt").text
    menu = listing.split('<nav aria-label="', 1)[1].split("</nav>", 1)[0]
    assert ">Legevakter<" in menu and ">Legevakt<" not in menu and "/m/3804/rota" not in menu
    assert 'href="/legevakt/prov/3804"' in listing and text("lv.try_title") in listing
    page = client.get("/legevakt/prov/3804")
    assert page.status_code == 200 and f"<h1>{text('lv.try_title')}</h1>" in page.text
    assert '<a class="ds-link" href="/legevakt" aria-current="page">' in page.text
    old = client.get("/m/3804/rota?x=1")
    assert old.status_code == 308 and old.headers["location"] == "/legevakt/prov/3804?x=1"
    deep = client.get("/m/3804/rota/abc/rota.csv")
    assert deep.status_code == 308 and deep.headers["location"] == "/legevakt/prov/3804/abc/rota.csv"
    posted = client.post("/m/3804/rota", data={"csrf_token": csrf, "source": "example", "time_limit": "0"})
    assert posted.status_code == 308 and posted.headers["location"] == "/legevakt/prov/3804"
    followed = client.post(
        "/m/3804/rota", data={"csrf_token": csrf, "source": "example", "time_limit": "0"}, follow_redirects=True
    )
    assert followed.status_code == 400 and text("rota.time_limit_error") in followed.text  # the form was re-posted
    other, _ = login("leser")
    assert other.get("/m/1804/rota").status_code == 404
