"""The PDF never fetches an address typed in the municipality's text (server-side request forgery, local files)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from legeplan.report.markdown import to_html
from legeplan.report.render.pdf import _fetcher, print_svg


@pytest.fixture
def listening() -> Iterator[tuple[str, list[str]]]:
    """A local web server that records every request it gets."""
    hits: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/svg+xml")
            self.end_headers()
            self.wfile.write(b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')

        def log_message(self, format: str, *args: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()


def test_an_image_in_the_text_is_a_link_not_an_image() -> None:
    html = to_html("Se ![kart](http://169.254.169.254/latest/meta-data/x.png) her.")
    assert "<img" not in html
    assert 'href="http://169.254.169.254/latest/meta-data/x.png"' in html


def test_the_pdf_fetches_only_the_plans_own_charts(listening: tuple[str, list[str]], tmp_path: Path) -> None:
    from weasyprint import HTML

    base, hits = listening
    secret = tmp_path / "hemmelig.svg"
    secret.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    chart = print_svg('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5"/></svg>')
    page = (
        f'<p><img src="{base}/fra-html.svg"><img src="hemmelig.svg"><img src="file://{secret}">'
        f'<img src="legeplan-figur:1"></p><div style="background: url({base}/fra-css.svg)">x</div>'
        + to_html(f"![kart]({base}/fra-markdown.svg)")
    )
    fetched: list[str] = []
    fetcher = _fetcher({"legeplan-figur:1": chart})
    original = fetcher.fetch  # type: ignore[attr-defined]

    def recording(url: str, headers: dict[str, str] | None = None) -> object:
        fetched.append(url)
        return original(url, headers)

    fetcher.fetch = recording  # type: ignore[attr-defined]
    document = HTML(string=page, base_url=str(tmp_path) + "/", url_fetcher=fetcher).render()
    assert len(document.pages) == 1
    assert hits == []  # nothing reached the web server
    assert "legeplan-figur:1" in fetched  # the plan's own chart was asked for and served
    assert any(url.endswith("hemmelig.svg") for url in fetched)  # asked for, and refused
