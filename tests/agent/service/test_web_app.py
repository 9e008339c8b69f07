"""The web app on the service's own app: signed in with the API token, under the same limits, and
serving nothing that would make a browser reach the network."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from argus.agent.errors import ServerConfigError
from argus.agent.service.app import create_app
from argus.agent.service.settings import ServerSettings
from tests.support.server_helpers import TOKEN

pytestmark = pytest.mark.slow  # builds the Gradio app


@pytest.fixture(scope="module")
def client():
    settings = ServerSettings(token=TOKEN, web=True, mcp=True, max_body_mb=1.0)
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def test_the_api_keeps_its_bearer_token_beside_the_web_app(client):
    assert client.get("/v1/tools").status_code == 401
    assert client.get("/v1/tools", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).status_code == 401
    assert client.get("/healthz").status_code == 200


def test_the_web_app_signs_in_with_the_token_only(client):
    page = client.get("/")
    assert page.status_code == 200 and '"auth_required":true' in page.text
    assert client.get("/config").status_code == 401
    assert client.post("/gradio_api/upload", files={"files": ("a.png", b"x")}).status_code == 401
    assert (
        client.post("/login", data={"username": "me", "password": "wrong-token-0123456789"}).status_code
        == 400
    )
    assert client.post("/login", data={"username": "me", "password": ""}).status_code in (400, 422)
    signed = client.post("/login", data={"username": "me", "password": TOKEN})
    assert signed.status_code == 200
    assert client.get("/config").status_code == 200
    client.cookies.clear()


def test_uploads_keep_the_body_limit(client):
    client.post("/login", data={"username": "me", "password": TOKEN})
    big = b"\0" * (2 * 1024 * 1024)
    response = client.post("/gradio_api/upload", files={"files": ("big.png", big, "image/png")})
    assert response.status_code == 413
    client.cookies.clear()


def test_the_page_links_no_outside_script_font_or_style(client):
    page = client.get("/").text
    for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", page):
        for url in re.findall(r'(?:src|href)="([^"]+)"', tag):
            assert not url.startswith(("http:", "https:", "//")) or url.startswith("http://testserver"), tag


def test_no_sign_in_is_allowed_only_on_loopback():
    with pytest.raises(ServerConfigError, match="loopback"):
        ServerSettings(host="0.0.0.0", no_auth=True, web=True).check()
