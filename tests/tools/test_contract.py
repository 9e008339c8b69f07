"""One contract every vision tool keeps: a card, a LangChain face from the same card, evidence ids with
the declared prefixes, boxes inside the image, and a cache hit for the same call."""

from __future__ import annotations

import re

import pytest

from argus.tools import TOOLS, get_tool
from argus.tools.image_io import load_image
from argus.tools.runtime import Runtime
from tests.support import samples

pytestmark = pytest.mark.slow

EXTRA_ARGS = {"annotate": lambda tmp: {"items": [], "out": str(tmp / "annotated.png")}}


@pytest.fixture(scope="module")
def runtime() -> Runtime:
    return Runtime(device="cpu")


@pytest.fixture(scope="module")
def bus():
    return load_image(samples.BUS)


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_tool_contract(name, runtime, bus, tmp_path):
    tool = get_tool(name, runtime)
    card = tool.card()
    assert card.name == name and len(card.description) >= 40 and card.backends
    assert all(b.version for b in card.backends)
    for backend in card.backends:
        assert backend.available or backend.detail, f"{name}/{backend.name} is unavailable without saying why"
    if not any(b.available for b in card.backends):
        pytest.skip(f"{name} needs user weights here: {card.backends[0].detail}")

    args = EXTRA_ARGS.get(name, lambda _tmp: {})(tmp_path)
    lc = tool.as_langchain(tool.invoke_on(bus))
    assert lc.name == name and lc.args_schema is tool.Input
    message = lc.invoke({"type": "tool_call", "id": "c1", "name": name, "args": args})
    assert isinstance(message.content, str) and message.artifact is not None

    result = tool(bus, **args)
    assert result.tool == name and result.image_sha256 == bus.sha256
    ids = [item.id for item in result.items()]
    assert len(ids) == len(set(ids)), f"{name} repeats an evidence id: {ids}"
    for item in result.items():
        assert re.fullmatch(r"[A-Z][1-9]\d*", item.id), item.id
        assert item.id[0] in tool.evidence_prefixes, f"{item.id} has a prefix {name} does not declare"
        if item.box is not None:
            x1, y1, x2, y2 = item.box
            assert 0 <= x1 <= x2 <= bus.width and 0 <= y1 <= y2 <= bus.height, item.box

    hits = runtime.cache.hits
    again = tool(bus, **args)
    assert runtime.cache.hits == hits + 1 and again == result


def test_disk_cache_is_not_read_across_argus_versions(tmp_path, bus, monkeypatch):
    """A result cached by one Argus release is not served by the next: the algorithms changed."""
    import argus

    tool = get_tool("assess_quality", Runtime(device="cpu", cache_dir=tmp_path))
    tool(bus)
    assert tool.cached(bus)
    monkeypatch.setattr(argus, "__version__", "0.0.0-older")
    assert not tool.cached(bus)
