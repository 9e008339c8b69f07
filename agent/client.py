"""A Python client for ``argus serve`` with the same ``ask`` as ``Assistant``.

    from argus.agent.client import ArgusClient
    with ArgusClient("http://127.0.0.1:8000", token="...") as argus:
        answer = argus.ask("bus.jpg", "How many people are there?")
        again = argus.ask(answer.image.sha256, "Is there a bus?")   # no re-upload
        for event in argus.stream("bus.jpg", "How many people?"):
            print(event["type"])

``image`` may be a local path, the file's bytes, a PIL image or uint8 array, the sha256 of an
image the server already holds, or an http(s) URL the server is allowed to fetch. Local zones and
findings files are read and checked here, then sent as JSON. ``annotate=PATH`` writes the
annotated PNG the server returns to PATH, as ``Assistant.ask`` does. A server error raises
``ArgusServerError`` (an ArgusError) carrying the server's message, status and error type.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from argus.agent.core.answer import Answer
from argus.agent.errors import ArgusConnectionError, ArgusServerError
from argus.tools.errors import ArgusError, ImageLoadError

TOKEN_ENV = "ARGUS_API_TOKEN"
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
_DATA_URI = "data:image/png;base64,"


class ArgusClient:
    """Calls an Argus HTTP server; one instance keeps one connection pool (use it as a context manager)."""

    def __init__(
        self, base_url: str = "http://127.0.0.1:8000", token: str | None = None, timeout: float = 120.0
    ):
        token = token or os.environ.get(TOKEN_ENV, "").strip() or None
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)

    def __enter__(self) -> ArgusClient:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -------------------------------------------------------------------- ask
    def ask(
        self,
        image: Any,
        question: str,
        *,
        domain: str | None = None,
        zones: Any = None,
        findings: Any = None,
        time_of_day: str | None = None,
        annotate: str | Path | None = None,
    ) -> Answer:
        """Answer one question about one image, as ``Assistant.ask`` does, on the server."""
        files, data = _ask_form(image, question, domain, zones, findings, time_of_day, annotate is not None)
        payload = self._request("POST", "/v1/ask", files=files, data=data)
        return _answer(payload, annotate)

    def stream(
        self,
        image: Any,
        question: str,
        *,
        domain: str | None = None,
        zones: Any = None,
        findings: Any = None,
        time_of_day: str | None = None,
        annotate: str | Path | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Yield ``tool_started`` / ``tool_finished`` events as the server runs them, then
        ``{"type": "answer", "answer": Answer}``."""
        files, data = _ask_form(image, question, domain, zones, findings, time_of_day, annotate is not None)
        try:
            with self._http.stream("POST", "/v1/ask/stream", files=files, data=data) as response:
                if response.status_code != 200:
                    response.read()
                    raise _server_error(response)
                for event, payload in _sse(response.iter_lines()):
                    if event == "error":
                        err = payload.get("error", {})
                        raise ArgusServerError(
                            err.get("message", "the server failed"),
                            payload.get("status", 500),
                            err.get("type", ""),
                        )
                    if event == "answer":
                        yield {"type": "answer", "answer": _answer(payload["answer"], annotate)}
                        return
                    yield payload
        except httpx.HTTPError as exc:
            raise _transport_error(exc, self.base_url) from None
        raise ArgusServerError("the event stream ended before the answer", 502, "incomplete_stream")

    # ----------------------------------------------------------------- triage
    def triage(
        self,
        images: Any | Sequence[Any],
        *,
        findings: str | Path | dict[str, Any] | None = None,
        annotate_dir: str | Path | None = None,
    ) -> list[Answer]:
        """Triage one image or several; the worklist comes back most urgent first.

        ``findings``: one mapping for every image, or a mapping of file name (or sha256) to findings.
        ``annotate_dir``: write each annotated PNG there as ``<sha256>.png``.
        """
        many = list(images) if isinstance(images, list | tuple) else [images]
        files: list[tuple[str, tuple[str, bytes]]] = []
        data: dict[str, Any] = {"image_sha256": [], "annotate": "true" if annotate_dir else "false"}
        for image in many:
            kind, value = _image_field(image)
            if kind == "image":
                files.append(("images", value))
            elif kind == "image_sha256":
                data["image_sha256"].append(value)
            else:
                raise ArgusError("triage takes image files, bytes or sha256s, not URLs")
        if findings is not None:
            data["findings"] = json.dumps(_findings_data(findings, allow_per_image=True))
        payload = self._request("POST", "/v1/triage", files=files or None, data=data)
        answers = []
        for item in payload["items"]:
            target = Path(annotate_dir) / f"{item['image']['sha256']}.png" if annotate_dir else None
            answers.append(_answer(item, target))
        return answers

    # -------------------------------------------------------------- catalogue
    def tools(self) -> list[dict[str, Any]]:
        """The vision tools' cards, as ``argus tools --json`` prints them."""
        return self._request("GET", "/v1/tools")

    def kb_search(self, query: str, k: int = 5, domain: str | None = None) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"q": query, "k": k}
        if domain:
            params["domain"] = domain
        return self._request("GET", "/v1/kb/search", params=params)

    def rule(self, rule_id: str) -> dict[str, Any]:
        return self._request("GET", f"/v1/kb/rules/{quote(rule_id, safe='')}")

    def ready(self) -> dict[str, Any]:
        """The server's readiness (models loaded); raises ArgusServerError (503) until it is ready."""
        return self._request("GET", "/readyz")

    # --------------------------------------------------------------- internal
    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise _transport_error(exc, self.base_url) from None
        if response.status_code >= 400:
            raise _server_error(response)
        return response.json()


# --------------------------------------------------------------------------- helpers


def _image_field(image: Any) -> tuple[str, Any]:
    """("image", (name, bytes)) | ("image_sha256", sha) | ("image_url", url)."""
    if isinstance(image, bytes | bytearray | memoryview):
        return "image", ("image", bytes(image))
    if isinstance(image, str) and image.startswith(("http://", "https://")):
        return "image_url", image
    if isinstance(image, str | Path):
        path = Path(image).expanduser()
        if path.is_file():
            return "image", (path.name, path.read_bytes())
        if isinstance(image, str) and _SHA256.match(image):
            return "image_sha256", image.lower()
        raise ImageLoadError(f"no such image file: {image} (nor a sha256 or http(s) URL)")
    if type(image).__module__.startswith(("PIL.", "numpy")):
        from PIL import Image

        picture = image if isinstance(image, Image.Image) else Image.fromarray(image)
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG")
        return "image", ("image.png", buffer.getvalue())
    raise ImageLoadError(
        f"expected an image path, bytes, a PIL image, a numpy array, a sha256 or a URL, got {type(image).__name__}"
    )


def _ask_form(
    image: Any,
    question: str,
    domain: str | None,
    zones: Any,
    findings: Any,
    time_of_day: str | None,
    annotate: bool,
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    kind, value = _image_field(image)
    files = {"image": value} if kind == "image" else None
    data: dict[str, str] = {"question": question, "annotate": "true" if annotate else "false"}
    if kind != "image":
        data[kind] = value
    if domain:
        data["domain"] = domain
    if zones is not None:
        data["zones"] = json.dumps(_zones_data(zones))
    if findings is not None:
        data["findings"] = json.dumps(_findings_data(findings))
    if time_of_day:
        data["time"] = time_of_day
    return files, data


def _zones_data(zones: Any) -> Any:
    from argus.tools.zones import Zone, ZoneSet, load_zones

    if isinstance(zones, str | Path):
        zones = load_zones(zones)  # a local file: read and checked here, with the same errors as ask
    if isinstance(zones, ZoneSet):
        zones = zones.zones
    if isinstance(zones, list) and all(isinstance(z, Zone) for z in zones):
        return {"zones": [z.model_dump(mode="json", exclude_defaults=True) for z in zones]}
    return zones


def _findings_data(findings: Any, allow_per_image: bool = False) -> Any:
    from argus.agent.core.findings import load_findings

    if isinstance(findings, str | Path):
        if allow_per_image:  # a file may map file names to findings: the server tells the two apart
            return _read_mapping(Path(findings))
        return load_findings(findings)
    return findings


def _read_mapping(path: Path) -> Any:
    import yaml

    from argus.agent.errors import FindingsError

    if not path.is_file():
        raise FindingsError(f"findings file not found: {path}")
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        return json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError):
        raise FindingsError(
            f"{path.name}: not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'}"
        ) from None


def _answer(payload: dict[str, Any], annotate: str | Path | None) -> Answer:
    answer = Answer.model_validate(payload)
    uri = answer.annotated_image
    if annotate is not None and uri and uri.startswith(_DATA_URI):
        target = Path(annotate)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(uri[len(_DATA_URI) :]))
        answer.annotated_image = str(target)
    return answer


def _sse(lines: Iterator[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(event, data) pairs from a text/event-stream."""
    event = "message"
    data: list[str] = []
    for line in lines:
        if not line:
            if data:
                yield event, json.loads("\n".join(data))
            event, data = "message", []
        elif line.startswith(":"):
            continue
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
    if data:
        yield event, json.loads("\n".join(data))


def _server_error(response: httpx.Response) -> ArgusServerError:
    try:
        error = response.json()["error"]
        message, kind = str(error["message"]), str(error["type"])
    except (ValueError, KeyError, TypeError):
        message, kind = f"the server answered HTTP {response.status_code}", "http_error"
    retry = response.headers.get("retry-after")
    return ArgusServerError(
        message, response.status_code, kind, float(retry) if retry and retry.isdigit() else None
    )


def _transport_error(exc: httpx.HTTPError, base_url: str) -> ArgusConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        return ArgusConnectionError(
            f"the Argus server at {base_url} did not answer in time ({type(exc).__name__})"
        )
    return ArgusConnectionError(
        f"cannot reach the Argus server at {base_url} ({type(exc).__name__}: {exc}); is `argus serve` running?"
    )
