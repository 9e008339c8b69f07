"""Every exception the agent raises, in one place.

The tools' errors (``argus.tools.errors``) and the knowledge base's (``argus.knowledge.errors``) live
with their layers; everything above them is here. Every class but ``LoopAbort`` is an ``ArgusError``:
an error a user can cause, whose message is written to be shown as it is (the CLI prints it as one
line and exits 2; the HTTP service maps its type to a status in ``argus.agent.service.errors``)::

    ArgusError (argus.tools.errors)
    ├── ToolCallError            a tool was called with arguments its schema refuses: the caller can fix it
    ├── ToolExecutionError       a tool failed while it ran (its backend, its time limit, a bug in it)
    ├── FindingsError            a findings file or mapping that cannot be used
    ├── LLMConfigError           chat-model options that describe no usable backend
    ├── LLMUnavailableError      the chat model cannot be reached or loaded, or failed in a call
    ├── TriageInputError         paths to triage that do not exist or hold no image
    ├── TriageSetupError         a triage batch whose every image failed the same way: its configuration
    ├── AuditLogError            the audit log cannot be opened, read or written
    ├── ReportError              the triage report cannot be written
    ├── FrameSourceError         frames that cannot be read or timed
    ├── TrackingError            detections or parameters the tracker cannot use
    ├── SuiteError               an evaluation suite that cannot be run
    ├── ServerConfigError        settings that would start an unsafe or unusable server
    ├── ServiceError             a request the HTTP service refuses
    │   ├── AuthError            missing or wrong bearer token
    │   ├── UnknownImageError    an image_sha256 the server does not hold
    │   ├── NotFoundError        a route that does not exist
    │   ├── UrlNotAllowedError   an image URL the server will not fetch
    │   ├── UrlFetchError        an allowed image URL that could not be fetched
    │   ├── PathNotAllowedError  an image path outside the folders an MCP server may read
    │   ├── ServerBusyError      every worker busy and the queue full (retry_after_s)
    │   └── DeadlineExceededError  past the per-request deadline
    └── ClientError              what ArgusClient raises
        ├── ArgusServerError     the server refused or failed a request (status, kind, retry_after_s)
        └── ArgusConnectionError the server could not be reached or did not answer in time

    LoopAbort (Exception)        control flow, never shown: the chat model cannot go on, the planner takes over
"""

from __future__ import annotations

from argus.tools.errors import ArgusError


class ToolCallError(ArgusError):
    """A tool was called with arguments its input schema refuses, or a tool that does not exist.

    A chat model that sends these gets the message back and may try again; too many end its turn."""

    def __init__(self, tool: str, message: str) -> None:
        super().__init__(message)
        self.tool = tool


class ToolExecutionError(ArgusError):
    """A tool failed while it ran: its backend, its time limit, or a bug in it (``cause`` keeps which)."""

    def __init__(self, tool: str, message: str, cause: BaseException | None = None) -> None:
        super().__init__(message)
        self.tool = tool
        self.cause = cause


class FindingsError(ArgusError):
    """A findings file or mapping that cannot be used."""


class LLMConfigError(ArgusError):
    """The LLM options do not describe a usable backend; the message names the option to set."""


class LLMUnavailableError(ArgusError):
    """The configured chat model cannot be reached or loaded, or failed during a call."""


class TriageInputError(ArgusError):
    """Paths to triage that do not exist or hold no image."""


class TriageSetupError(ArgusError):
    """Every image of a triage batch failed for the same reason, so the batch stopped: the configuration
    (rule packs, weights, device), not the images, is what needs fixing."""


class AuditLogError(ArgusError):
    """The audit log cannot be opened, read or written; the message names the file and the problem."""


class ReportError(ArgusError):
    """The report cannot be written; the message names the file and the problem."""


class FrameSourceError(ArgusError):
    """Frames that cannot be read or timed; the message names the file and what was expected."""


class TrackingError(ArgusError):
    """Detections or parameters the tracker cannot use; the message says what was expected."""


class SuiteError(ArgusError):
    """A suite that cannot be run: every bad line is listed with its number."""


class ServerConfigError(ArgusError):
    """Settings that would start an unsafe or unusable server; the message names the option to change."""


class ServiceError(ArgusError):
    """A request the HTTP service refuses."""


class AuthError(ServiceError):
    """A missing or wrong bearer token."""


class UnknownImageError(ServiceError):
    """An image_sha256 that the server does not hold (never uploaded, or evicted)."""


class NotFoundError(ServiceError):
    """A route that does not exist."""


class UrlNotAllowedError(ServiceError):
    """An image URL the server refuses to fetch (scheme, host, address or redirect)."""


class UrlFetchError(ServiceError):
    """An allowed image URL that could not be fetched."""


class PathNotAllowedError(ServiceError):
    """An image path the MCP server may not read: outside its --allow-dir folders, or sent over HTTP."""


class ServerBusyError(ServiceError):
    """Every worker is busy and the queue is full; ``retry_after_s`` says when to try again."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class DeadlineExceededError(ServiceError):
    """A request ran past the service's per-request deadline."""


class ClientError(ArgusError):
    """What ``ArgusClient`` raises."""


class ArgusServerError(ClientError):
    """The server refused or failed a request; ``status`` and ``kind`` say how, ``retry_after_s`` when busy."""

    def __init__(self, message: str, status: int, kind: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.retry_after_s = retry_after_s


class ArgusConnectionError(ClientError):
    """The server could not be reached, or did not answer in time."""


class LoopAbort(Exception):
    """The model cannot go on (malformed calls beyond the limit, server failure); the planner takes over."""
