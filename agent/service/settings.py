"""What ``argus serve`` is configured with, checked before anything listens.

The checks that protect a deployment live here rather than in the CLI, so a program that calls
``create_app`` directly gets the same refusals: no ``--no-auth`` off loopback, no server without
a token, no weak token, no URL allow-list entry that is more than a host name.
"""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from argus.agent.errors import ServerConfigError
from argus.tools.runtime import DEFAULT_MAX_PIXELS

TOKEN_ENV = "ARGUS_API_TOKEN"
MIN_TOKEN_CHARS = 16
_HOST = re.compile(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)


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
    max_pixels: int = Field(default=DEFAULT_MAX_PIXELS, ge=1)
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
    web: bool = Field(default=False, description="Serve the web app at / (argus serve turns it on).")
    mcp: bool = Field(
        default=False, description="Serve MCP (streamable HTTP) at /mcp (argus serve turns it on)."
    )

    @property
    def max_body_bytes(self) -> int:
        return int(self.max_body_mb * 1024 * 1024)

    @property
    def auth_required(self) -> bool:
        return not self.no_auth

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
        for host in self.allow_url_hosts:
            if not _HOST.match(host.lower()) and not _is_ip(host):
                raise ServerConfigError(
                    f"--allow-url-host takes a bare host name or IP address such as images.example.org, got {host!r}"
                )
        return self


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


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
