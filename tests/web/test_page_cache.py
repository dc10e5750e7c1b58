"""Issue 14, item 7 (scale): the dashboard's and the register list's main content is rendered once per data version,
municipality, role and view (`render_content_cached`) and reused. It must follow a save made anywhere, never show one
municipality's or one role's content to another, keep every editor's own CSRF token, and change nothing about who
may open the page."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.web.conftest import PASSWORD
from tests.web.test_scale import B, big_register

from legeplan.storage import Storage
from legeplan.web.auth import hash_password
from legeplan.web.routes.common import CONTENT_CACHE

A = "3804"

Login = Callable[[str], tuple[TestClient, str]]


def row_tokens(html: str) -> set[str]:
    """The CSRF tokens in the register rows' delete forms."""
    return set(
        re.findall(
            r'action="/m/\d{4}/register/[^"]+/delete"[^>]*><input type="hidden" name="csrf_token" '
            r'value="([^"]+)"',
            html,
        )
    )


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def test_content_is_reused_and_follows_a_save_in_another_process(app: FastAPI, login: Login) -> None:
    client, _csrf = login("leser")
    first = client.get(f"/m/{A}/register?kind=offices").text
    hits = CONTENT_CACHE.hits
    assert client.get(f"/m/{A}/register?kind=offices").text == first
    assert CONTENT_CACHE.hits == hits + 1  # the second view reused the rendered list
    dashboard = client.get(f"/m/{A}").text
    assert client.get(f"/m/{A}").text == dashboard

    other = Storage(app.state.storage.url)  # another web process or a worker
    register = other.load_register(A)
    renamed = register.offices[0].model_copy(update={"name": "Omdøpt Legesenter"})
    population = register.municipality.model_copy(update={"population": 12_345})
    other.save_register(register.model_copy(update={"offices": (renamed, *register.offices[1:])}))
    assert "Omdøpt Legesenter" in client.get(f"/m/{A}/register?kind=offices").text
    other.save_register(other.load_register(A).model_copy(update={"municipality": population}))
    assert main_of(client.get(f"/m/{A}").text) != main_of(dashboard)  # key figures per inhabitant changed
    other.dispose()


def test_a_scenario_change_changes_the_dashboard(app: FastAPI, login: Login) -> None:
    client, _csrf = login("redaktor")
    before = client.get(f"/m/{A}").text
    store = app.state.web_store
    first = store.scenarios(A)[0]
    store.save_scenario(A, "Et helt nytt navn på scenarioet", first.body, scenario_id=first.id)
    after = client.get(f"/m/{A}").text
    assert "Et helt nytt navn på scenarioet" in after and after != before


def test_no_municipality_sees_another_s_cached_content(app: FastAPI, login: Login) -> None:
    storage: Storage = app.state.storage
    storage.save_register(big_register(0))  # B: «Storby», the demo's structure under another code
    admin, _csrf = login("admin")
    for path in (f"/m/{B}", f"/m/{B}/register", f"/m/{A}", f"/m/{A}/register"):
        assert admin.get(path).status_code == 200  # both municipalities' content cached for an admin
    assert "Storby" in admin.get(f"/m/{B}/register").text
    viewer, _csrf = login("leser")  # a viewer of A only
    for path in (f"/m/{B}", f"/m/{B}/register", f"/m/{B}/register?kind=offices"):
        response = viewer.get(path)
        assert response.status_code == 404 and "Storby" not in response.text
    own = viewer.get(f"/m/{A}/register").text
    assert "Storby" not in own and "Sandefjord" in own
    bodo, _csrf = login("bodo")  # an admin of B only
    assert bodo.get(f"/m/{A}").status_code == 404
    assert bodo.get(f"/m/{A}/register").status_code == 404
    assert "Storby" in bodo.get(f"/m/{B}").text


def test_roles_get_their_own_content_and_editors_their_own_token(app: FastAPI, login: Login) -> None:
    app.state.web_store.add_user("redaktor2", hash_password(PASSWORD), "editor", A)
    editor, _csrf = login("redaktor")
    editor_page = editor.get(f"/m/{A}/register").text
    editor_tokens = row_tokens(editor_page)
    assert len(editor_tokens) == 1  # every row's delete form carries this session's token
    viewer, _csrf = login("leser")
    viewer_page = viewer.get(f"/m/{A}/register").text
    assert row_tokens(viewer_page) == set() and "/edit" not in viewer_page  # no edit buttons from the editor's copy
    assert "/edit" in editor.get(f"/m/{A}/register").text  # and the viewer's copy is not served to the editor
    other, _csrf = login("redaktor2")
    other_tokens = row_tokens(other.get(f"/m/{A}/register").text)
    assert len(other_tokens) == 1 and other_tokens != editor_tokens
    assert "redaktor2" in other.get(f"/m/{A}/register").text  # the layout (user name) is per request
    assert "redaktor2" not in editor.get(f"/m/{A}/register").text


def test_a_lege_still_gets_404(app: FastAPI, login: Login) -> None:
    viewer, _csrf = login("leser")
    viewer.get(f"/m/{A}")
    viewer.get(f"/m/{A}/register")  # content cached
    app.state.web_store.add_user("doktor", hash_password(PASSWORD), "lege", A)
    lege = TestClient(app, follow_redirects=False)
    assert lege.post("/login", data={"username": "doktor", "password": PASSWORD}).status_code == 303
    for path in (f"/m/{A}", f"/m/{A}/register", f"/m/{A}/register?kind=physicians"):
        response = lege.get(path)
        assert response.status_code == 404 and "list-filter" not in response.text
