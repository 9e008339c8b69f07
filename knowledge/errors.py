"""Errors a user can cause in the knowledge base: a bad rule pack, an unknown rule, a bad query."""

from __future__ import annotations

from dataclasses import dataclass

from argus.tools.errors import ArgusError


class KnowledgeError(ArgusError):
    """Base of the knowledge base's user errors."""


@dataclass(frozen=True)
class PackProblem:
    """One thing wrong in a rule pack, where a person can find it."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, str | int | None]:
        return {"file": self.path, "line": self.line, "message": self.message}


class RulePackError(KnowledgeError):
    """The packs could not be loaded; ``problems`` lists every one found, with file and line."""

    def __init__(self, problems: list[PackProblem]) -> None:
        self.problems = list(problems)
        if len(self.problems) == 1:
            text = str(self.problems[0])
        else:
            text = f"{len(self.problems)} problems in the rule packs: " + "; ".join(map(str, self.problems))
        super().__init__(text)


class UnknownRuleError(KnowledgeError):
    """A rule or graph node id that the knowledge base does not hold."""


class QueryError(KnowledgeError):
    """Arguments to search, evaluate or export that cannot be used as given."""
