"""What makes two triage decisions the same decision.

A decision depends on more than the image's bytes: the findings given with it (a sidecar or the
``--findings`` file), the rule packs that were loaded and the options that change what the pipeline
sees (the Argus release, the chest X-ray classifier's weights and device). ``DecisionIdentity`` holds
each of these, and its ``key`` (a sha256 of their canonical JSON) is what the audit log records with
every decision and what ``--resume`` compares: an earlier decision is reused only for the same file
with the same key. Two byte-identical images with different findings are two decisions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, Field

from argus.tools.file_io import file_sha256

if TYPE_CHECKING:
    from argus.knowledge import KnowledgeBase
    from argus.tools.runtime import Runtime

CLASSIFIER_WEIGHTS = "torchxrayvision"


class RulePackRef(BaseModel):
    """One loaded rule pack, as the identity names it."""

    name: str
    version: str
    sha256: str
    layer: str


class RunSettings(BaseModel):
    """The part of a decision's identity that is the same for every image of a run."""

    rule_packs: list[RulePackRef]
    options: dict[str, str] = Field(
        description="Options that change a decision: the Argus release, the chest X-ray classifier."
    )

    def identity(self, image_sha256: str, findings_sha256: str) -> DecisionIdentity:
        return DecisionIdentity(
            image_sha256=image_sha256,
            findings_sha256=findings_sha256,
            rule_packs=self.rule_packs,
            options=self.options,
        )


class DecisionIdentity(BaseModel):
    """Image bytes, findings, rule packs and options: everything a decision was made from."""

    image_sha256: str
    findings_sha256: str
    rule_packs: list[RulePackRef]
    options: dict[str, str]

    @property
    def key(self) -> str:
        """sha256 of the identity's canonical JSON."""
        return hashlib.sha256(canonical_json(self.model_dump()).encode()).hexdigest()


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 kept: the same data gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def findings_sha256(findings: Mapping[str, Any] | None) -> str:
    """sha256 of the findings' canonical JSON (no findings hash as ``{}``)."""
    return hashlib.sha256(canonical_json(dict(findings or {})).encode()).hexdigest()


class TriageAssistant(Protocol):
    """What triage needs of an assistant: an ``Assistant``, or a worker process's ``WorkerAssistant``."""

    runtime: Runtime
    tool_timeout_s: float

    def knowledge(self) -> KnowledgeBase: ...


def run_settings(assistant: TriageAssistant) -> RunSettings:
    """The rule packs the assistant's knowledge base loaded and the options its runtime decides with.

    Raises:
        ArgusError: a rule pack that does not load (with its file and line), or classifier weights
            that cannot be read.
    """
    kb = assistant.knowledge()
    packs = [
        RulePackRef(name=s.name, version=s.version, sha256=s.sha256, layer=s.layer)
        for s in sorted(kb.sources, key=lambda s: (s.layer, s.name, s.sha256))
    ]
    options = {"argus": _argus_version()}
    weights = assistant.runtime.weights.get(CLASSIFIER_WEIGHTS)
    if weights:
        options["classifier"] = CLASSIFIER_WEIGHTS
        options["classifier_weights"] = _weights_digest(weights)
        options["classifier_device"] = assistant.runtime.resolved_device
    return RunSettings(rule_packs=packs, options=options)


def _weights_digest(weights: str) -> str:
    path = Path(weights).expanduser()
    if not path.is_file():
        return f"name:{weights}"  # not a file: the backend reports what is wrong with it when it loads
    try:
        return "sha256:" + _file_digest(str(path.resolve()), path.stat().st_mtime_ns, path.stat().st_size)
    except OSError as exc:
        from argus.tools.errors import ArgusError

        raise ArgusError(f"cannot read the classifier weights {path}: {exc.strerror}") from None


@cache
def _file_digest(path: str, mtime_ns: int, size: int) -> str:
    """A weights file's sha256, computed once per process for each version of the file."""
    return file_sha256(Path(path))


@cache
def _argus_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("argus")
    except PackageNotFoundError:
        return "unknown"
