"""/docs works offline: the page and every asset it loads come from the app itself, never from another host."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

import tracuu  # noqa: E402
from tracuu_api.app import create_app  # noqa: E402

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


@pytest.fixture
def client(tmp_path: Path, docs_dir: Path) -> TestClient:
    tracuu.build([docs_dir], tmp_path / "idx", encoder="hashing")
    return TestClient(create_app(tmp_path / "idx", token="", read_token=""))


def test_docs_page_loads_only_local_assets(client):
    page = client.get("/docs")
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    assets = ASSET.findall(page.text)
    assert len(assets) >= 3  # the script, the style sheet and the icon
    for url in assets:
        assert url.startswith("/") and not url.startswith("//"), f"/docs loads {url} from another host"
        got = client.get(url)
        assert got.status_code == 200 and len(got.content) > 500, url
    assert not re.search(r"https?://|//cdn", page.text), "the page itself names a host"
    assert "'/openapi.json'" in page.text and '"validatorUrl": null' in page.text
    assert client.get("/openapi.json").status_code == 200


def test_no_other_docs_page_points_at_a_cdn(client):
    assert client.get("/redoc").status_code == 404  # FastAPI's ReDoc page loads from a CDN: switched off
