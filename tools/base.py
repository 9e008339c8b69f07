"""The shape every tool shares (``Tool``: a card a planner can read, a typed input, one LangChain face
generated from the card) and what the vision tools add (``ImageTool``: typed output, backends that
load lazily through the runtime's registry, a cached ``__call__``).
"""

from __future__ import annotations

import functools
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from argus.tools.backend_facts import (  # noqa: F401 - the backend helpers are used from here too
    Availability,
    BackendFacts,
    missing_modules,
    module_present,
    package_dir,
    package_version,
)
from argus.tools.errors import ArgusError, BackendUnavailableError, ToolInputError
from argus.tools.evidence import ToolResult
from argus.tools.runtime import Runtime, default_runtime

if TYPE_CHECKING:
    from argus.tools.image_io import LoadedImage

ImageLike = Any  # LoadedImage, a path, or bytes; see argus.tools.image_io.as_loaded


def package_sample(package: str, relative: str) -> Path:
    """A sample file or folder inside an installed package; an ArgusError when the package is missing."""
    root = package_dir(package)
    if root is None:
        raise ArgusError(f"the {package} package is not installed: its sample images are needed here")
    return root / relative


class Backend(BackendFacts, ABC):
    """One way of doing a tool's job (a model, a library, an algorithm).

    Its version, weights and availability come from its facts class in ``argus.tools.backend_facts``
    (inherited first: ``class SsdMobileNetBackend(SsdFacts, DetectorBackend)``), which imports nothing
    heavy, so ``argus tools`` can list every backend without importing one.
    """

    name: ClassVar[str]
    summary: ClassVar[str] = ""
    install_hint: ClassVar[str] = ""

    @abstractmethod
    def version(self) -> str: ...

    @abstractmethod
    def availability(self) -> Availability: ...

    def device(self) -> str:
        return "cpu"

    def require(self) -> None:
        status = self.availability()
        if not status.available:
            hint = f" ({self.install_hint})" if self.install_hint else ""
            raise BackendUnavailableError(
                f"backend {self.name!r} is not available here: {status.detail}{hint}"
            )

    @property
    def registry_key(self) -> str:
        return f"{self.name}|{self.weights() or ''}|{self.device()}"

    def model(self) -> Any:
        """The loaded model, loaded once per process through the runtime's registry."""
        self.require()
        return self.runtime.models.get(self.registry_key, self.load)

    def load(self) -> Any:
        """Load the model; backends without one (pure algorithms) keep this default."""
        return None

    @abstractmethod
    def raw_call(self, image: LoadedImage) -> Any:
        """The plain library call a user would write by hand for this backend on this image, with the
        model already loaded: what ``argus bench tools`` compares the tool's own latency against."""


class BackendInfo(BaseModel):
    name: str
    version: str
    available: bool
    detail: str
    weights: str | None = None
    summary: str = ""


@functools.cache
def code_fingerprint() -> str:
    """A digest of the vision tools' source and data files, read once per process (a few ms)."""
    import hashlib

    from argus import __version__

    digest = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent
    for path in sorted(root.glob("*.py")) + sorted(root.glob("*.json")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class ToolCard(BaseModel):
    """What a planner, the docs and ``argus tools`` read about a tool."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str
    evidence_prefixes: list[str]
    input_schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None
    limitations: list[str]
    examples: list[str]
    backends: list[BackendInfo]


_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class Tool(ABC):
    """Base of every tool the agent can call: a card (name, a description written as a contract for a
    planner, limitations, examples), a pydantic input model, and one LangChain face built from them.

    Two families share it: ``ImageTool`` (the vision tools here, which look at an image through
    backends) and the agent tools in ``argus.agent.core.agent_tools`` (which query the rule packs or
    run a typed program). A class that breaks the contract fails when it is defined, with the reason.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    Input: ClassVar[type[BaseModel]]
    evidence_prefixes: ClassVar[tuple[str, ...]] = ()
    limitations: ClassVar[tuple[str, ...]] = ()
    examples: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:  # an intermediate base, not a tool
            return
        problems = cls.contract_problems()
        if problems:
            raise TypeError(f"tool class {cls.__name__} breaks the tool contract: " + "; ".join(problems))

    @classmethod
    def contract_problems(cls) -> list[str]:
        problems = []
        if not _NAME.match(getattr(cls, "name", "") or ""):
            problems.append(f"name must match {_NAME.pattern}, got {getattr(cls, 'name', None)!r}")
        if len((getattr(cls, "description", "") or "").strip()) < 40:
            problems.append("description must be a paragraph a planner can read (>= 40 characters)")
        value = getattr(cls, "Input", None)
        if not (isinstance(value, type) and issubclass(value, BaseModel)):
            problems.append(f"Input must be a subclass of BaseModel, got {value!r}")
        return problems

    @classmethod
    def planner_description(cls) -> str:
        """The description a chat model reads: what the tool does, then what it cannot do."""
        text = cls.description
        if cls.limitations:
            text += " Limitations: " + " ".join(cls.limitations)
        return text

    @classmethod
    def parse_args(cls, args: BaseModel | dict[str, Any] | None = None, **kwargs: Any) -> BaseModel:
        if isinstance(args, cls.Input) and not kwargs:
            return args
        data = dict(args.model_dump() if isinstance(args, BaseModel) else (args or {}))
        data.update(kwargs)
        try:
            return cls.Input.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'arguments'}: {err['msg']}" for err in exc.errors()
            )
            raise ToolInputError(f"{cls.name}: bad arguments: {problems}") from None

    @classmethod
    def as_langchain(cls, invoke: Callable[[dict[str, Any]], tuple[str, Any]]) -> Any:
        """A LangChain ``StructuredTool`` with this card whose calls go to ``invoke(arguments)``.

        ``invoke`` returns (content, artifact): the text a chat model reads and the typed result the
        agent keeps as evidence. The agent's toolbox builds every tool a chat model sees this way.
        """
        from langchain_core.tools import StructuredTool

        def call(**kwargs: Any) -> tuple[str, Any]:
            return invoke(kwargs)

        return StructuredTool.from_function(
            func=call,
            name=cls.name,
            description=cls.planner_description(),
            args_schema=cls.Input,
            response_format="content_and_artifact",
        )


class ImageTool(Tool):
    """A tool that looks at an image: typed ``ToolResult`` output, backends that load lazily through
    the runtime's registry, and a ``__call__`` cached by (sha256, tool, backend, arguments)."""

    Output: ClassVar[type[ToolResult]]
    backend_types: ClassVar[tuple[type[Backend], ...]] = ()
    # Whether a chat model may call it (annotate writes files, so only the agent does).
    agent_callable: ClassVar[bool] = True
    # Listed for a chat model only where one of its backends is available (the user's own weights).
    needs_user_weights: ClassVar[bool] = False

    @classmethod
    def contract_problems(cls) -> list[str]:
        problems = super().contract_problems()
        value = getattr(cls, "Output", None)
        if not (isinstance(value, type) and issubclass(value, ToolResult)):
            problems.append(f"Output must be a subclass of ToolResult, got {value!r}")
        if not cls.backend_types:
            problems.append("backend_types must list at least one Backend")
        return problems

    def __init__(self, runtime: Runtime | None = None) -> None:
        self.runtime = runtime or default_runtime()
        self._backends = {b.name: b(self.runtime) for b in self.backend_types}

    # ----------------------------------------------------------------- card
    @classmethod
    def static_card(cls, schemas: bool = True) -> dict[str, Any]:
        return {
            "name": cls.name,
            "description": cls.description,
            "evidence_prefixes": list(cls.evidence_prefixes),
            "input_schema": cls.Input.model_json_schema() if schemas else None,
            "output_schema": cls.Output.model_json_schema() if schemas else None,
            "limitations": list(cls.limitations),
            "examples": list(cls.examples),
        }

    def card(self, schemas: bool = True) -> ToolCard:
        """The card; ``schemas=False`` leaves out the JSON schemas (slow to build) for quick listings."""
        infos = []
        for backend in self._backends.values():
            status = backend.availability()
            infos.append(
                BackendInfo(
                    name=backend.name,
                    version=backend.version(),
                    available=status.available,
                    detail=status.detail,
                    weights=backend.weights(),
                    summary=backend.summary,
                )
            )
        return ToolCard(**self.static_card(schemas), backends=infos)

    # ------------------------------------------------------------- backends
    def backend(self, name: str) -> Backend:
        try:
            return self._backends[name]
        except KeyError:
            known = ", ".join(self._backends)
            raise ToolInputError(f"{self.name}: unknown backend {name!r}; choose one of: {known}") from None

    def backends(self) -> list[Backend]:
        return list(self._backends.values())

    @abstractmethod
    def select_backend(self, args: BaseModel, image: LoadedImage) -> Backend:
        """The backend that will answer these arguments for this image."""

    # ------------------------------------------------------------------ run
    def __call__(self, image: ImageLike, args: BaseModel | dict[str, Any] | None = None, **kwargs: Any):
        """Run the tool on one image; results are cached by (sha256, tool, backend, arguments)."""
        from argus.tools.image_io import as_loaded

        loaded = as_loaded(image, max_pixels=self.runtime.max_pixels)
        parsed = self.parse_args(args, **kwargs)
        backend = self.select_backend(parsed, loaded)
        key = self.cache_key(loaded, backend, parsed)
        cached = self.runtime.cache.get(key, self.Output)
        if cached is not None:
            return cached
        result = self.run(loaded, parsed, backend)
        self.runtime.cache.put(key, result)
        return result

    def invoke_on(
        self, image: ImageLike | Callable[[], ImageLike]
    ) -> Callable[[dict[str, Any]], tuple[str, ToolResult]]:
        """A caller for ``as_langchain`` that runs this tool on ``image`` (or on what a callable returns):
        ``tool.as_langchain(tool.invoke_on("bus.jpg"))``. Inside a conversation the agent's toolbox
        passes its own caller instead, which records the call in the evidence ledger and the trace."""

        def invoke(arguments: dict[str, Any]) -> tuple[str, ToolResult]:
            result = self(image() if callable(image) else image, arguments)
            return result.summary(), result

        return invoke

    def cache_key(self, image: LoadedImage, backend: Backend, args: BaseModel) -> str:
        # The tools' own code is part of the key: an upgrade (or an edit) changes the algorithms,
        # and a disk cache must not keep answering with the old ones.
        return self.runtime.cache.key(
            code_fingerprint(),
            image.sha256,
            self.name,
            backend.name,
            backend.weights(),
            backend.version(),
            args.model_dump(mode="json"),
        )

    def cached(self, image: ImageLike, args: BaseModel | dict[str, Any] | None = None, **kwargs: Any) -> bool:
        """Whether ``__call__`` with these arguments would be answered from the cache."""
        from argus.tools.image_io import as_loaded

        loaded = as_loaded(image, max_pixels=self.runtime.max_pixels)
        parsed = self.parse_args(args, **kwargs)
        key = self.cache_key(loaded, self.select_backend(parsed, loaded), parsed)
        return self.runtime.cache.get(key, self.Output) is not None

    def result_fields(self, image: LoadedImage, backend: Backend) -> dict[str, Any]:
        """The fields every ToolResult starts with: which tool and backend, on which image."""
        return {
            "tool": self.name,
            "backend": backend.name,
            "backend_version": backend.version(),
            "image_sha256": image.sha256,
            "image_size": (image.width, image.height),
        }

    @abstractmethod
    def run(self, image: LoadedImage, args: BaseModel, backend: Backend) -> ToolResult:
        """Do the work, uncached. Raise typed errors from ``argus.tools.errors``; never swallow them."""

    def run_batch(
        self, images: Sequence[ImageLike], args: BaseModel | dict[str, Any] | None = None, **kwargs: Any
    ) -> Sequence[ToolResult]:
        """Run on many images. Tools whose backends batch natively override this."""
        return [self(image, args, **kwargs) for image in images]
