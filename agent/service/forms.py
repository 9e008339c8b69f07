"""The ask form, declared once for ``/v1/ask`` and ``/v1/ask/stream``."""

from __future__ import annotations

from fastapi import UploadFile
from pydantic import BaseModel, ConfigDict, Field

from argus.agent.service.jobs import AskOptions, parse_options


class AskForm(BaseModel):
    """Multipart fields of an ask request: the image (one of three ways), the question and its options."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="The question, in plain words.")
    image: UploadFile | None = Field(
        default=None, description="The image file (JPEG, PNG, WebP, BMP, TIFF, GIF, DICOM)."
    )
    image_sha256: str | None = Field(
        default=None, description="sha256 of an image uploaded earlier to this server."
    )
    image_url: str | None = Field(
        default=None, description="An http(s) URL on a host the server allows (off by default)."
    )
    domain: str | None = Field(default=None, description="general, medical or security (default: inferred).")
    zones: str | None = Field(
        default=None, description='Zones as JSON: {"zones": [{"name", "polygon", ...}]}.'
    )
    findings: str | None = Field(
        default=None, description='Stated findings as JSON, e.g. {"nodule.size_mm": 7}.'
    )
    time: str | None = Field(default=None, description="Time of day the image was taken, HH:MM.")
    annotate: bool = Field(
        default=False, description="Return the cited evidence drawn on the image as a PNG data URI."
    )

    def options(self) -> AskOptions:
        """The options, validated (raises the same typed errors as the Python API)."""
        return parse_options(self.domain, self.zones, self.findings, self.time, self.annotate)
