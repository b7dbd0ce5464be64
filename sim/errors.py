"""The one user-facing error type: everything a user can get wrong ends up here."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located by its field path (see sim.paths), e.g.
    `channels["Paid social"].base_cpl`."""

    path: str
    message: str
    value: object = None

    def __str__(self) -> str:
        where = self.path or "(file)"
        if self.value is None:
            return f"{where}: {self.message}"
        return f"{where}: {self.message} (found {self.value!r})"


@dataclass
class ScenarioError(Exception):
    """Bad input: a file that cannot be read, a field out of range, a scenario too large to run.

    The CLI prints it and exits with status 2; the app shows it in a dialog. Never a traceback.
    """

    summary: str
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        if not self.problems:
            return self.summary
        lines = [self.summary, *(f"  - {p}" for p in self.problems)]
        return "\n".join(lines)
