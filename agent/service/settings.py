"""What ``argus serve`` is configured with, checked before anything listens.

The checks that protect a deployment live here rather than in the CLI, so a program that calls
``create_app`` directly gets the same refusals: no ``--no-auth`` off loopback, no server without
a token, no weak token, no URL allow-list entry that is more than a host, address or range and a port.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from argus.agent.errors import ServerConfigError
from argus.tools.runtime import DEFAULT_MAX_FRAMES

TOKEN_ENV = "ARGUS_API_TOKEN"
# Lower than the CLI's 64 MP: a 186 KB PNG can declare 64 MP and cost a worker ~12 s and ~1 GB
# (the RGB array, its gray and BGR copies and the tools' own), for every request that sends it. 24 MP
# still takes a 6000x4000 camera photo and the largest radiographs (a 43x43 cm detector at 0.1 mm is
# 4300x4300 = 18.5 MP), at under 40% of that cost; an operator who needs more sets --max-pixels.
SERVICE_MAX_PIXELS = 24_000_000
MIN_TOKEN_CHARS = 16


class ServerSettings(BaseModel):
    """Everything the HTTP service needs; ``check()`` refuses unsafe combinations."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    token: SecretStr | None = None
    no_auth: bool = False
    workers: int = Field(default=2, ge=1, le=64, description="Threads answering questions at once.")
    queue: int = Field(default=8, ge=0, le=4096, description="Requests that may wait for a worker.")
    max_body_mb: float = Field(default=50.0, gt=0, le=4096)
    max_pixels: int = Field(default=SERVICE_MAX_PIXELS, ge=1, description="Largest image in pixels.")
    max_frames: int = Field(default=DEFAULT_MAX_FRAMES, ge=1, le=100_000, description="Most DICOM frames.")
    deadline_s: float = Field(default=60.0, gt=0, le=3600)
    allow_url_hosts: list[str] = Field(default_factory=list)
    url_timeout_s: float = Field(default=10.0, gt=0, le=300)
    image_cache: int = Field(default=32, ge=1, le=4096, description="Decoded uploads kept by sha256.")
    max_triage_images: int = Field(default=16, ge=1, le=1000)
    device: str = "auto"
    rules_dirs: list[Path] = Field(default_factory=list)
    llm: str | None = None
    llm_url: str | None = None
    llm_model: str | None = None

    @property
    def max_body_bytes(self) -> int:
        return int(self.max_body_mb * 1024 * 1024)

    @property
    def auth_required(self) -> bool:
        return not self.no_auth

    def limits(self) -> dict[str, int | float]:
        """The limits a client's request is held to, as ``/readyz`` reports them."""
        return {
            "max_pixels": self.max_pixels,
            "max_frames": self.max_frames,
            "max_body_bytes": self.max_body_bytes,
            "max_triage_images": self.max_triage_images,
            "deadline_s": self.deadline_s,
        }

    def check(self) -> ServerSettings:
        """Raise ServerConfigError for a combination that must not serve; return self otherwise."""
        if self.no_auth:
            if not is_loopback(self.host):
                raise ServerConfigError(
                    f"--no-auth is allowed only on a loopback host (127.0.0.1, ::1, localhost), got "
                    f"--host {self.host}; give a token with --token-file or {TOKEN_ENV} instead"
                )
            if self.token is not None:
                raise ServerConfigError(
                    f"--no-auth and a token ({TOKEN_ENV} or --token-file) were both given"
                )
        else:
            if self.token is None:
                raise ServerConfigError(
                    f"no API token: give one with --token-file FILE or the {TOKEN_ENV} environment variable, "
                    "or serve on loopback only with --no-auth"
                )
            secret = self.token.get_secret_value()
            if len(secret) < MIN_TOKEN_CHARS or secret != secret.strip() or any(c.isspace() for c in secret):
                raise ServerConfigError(
                    f"the API token must be at least {MIN_TOKEN_CHARS} characters with no spaces, got "
                    f"{len(secret)} characters (make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
                )
        from argus.agent.service.url_fetch import parse_allow_entry

        for entry in self.allow_url_hosts:
            try:
                parse_allow_entry(entry)
            except ValueError:
                raise ServerConfigError(
                    "--allow-url-host takes a bare host name, IP address or CIDR range, optionally with :PORT "
                    f"(images.example.org, images.example.org:8443, 10.20.0.0/16), got {entry!r}"
                ) from None
        return self


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def read_token(token_file: Path | None) -> SecretStr | None:
    """The API token from ``token_file`` (first line), else from ``ARGUS_API_TOKEN``, else None."""
    if token_file is not None:
        try:
            text = Path(token_file).read_text(encoding="utf-8", errors="strict")
        except FileNotFoundError:
            raise ServerConfigError(f"--token-file: no such file: {token_file}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ServerConfigError(f"--token-file: cannot read {token_file}: {exc}") from None
        lines = text.strip().splitlines()
        if not lines or not lines[0].strip():
            raise ServerConfigError(f"--token-file: {token_file} is empty")
        return SecretStr(lines[0].strip())
    value = os.environ.get(TOKEN_ENV, "").strip()
    return SecretStr(value) if value else None
