"""Problems found in staff data, and how they are told to staff.

Every message names the file, the row as a spreadsheet shows it, the column, the bad value and what is
expected, in Bahasa Indonesia: staff fix their export from this text alone, without a programmer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..core import privacy
from ..core.errors import RanpastiError

MAX_SHOWN = 200  # per run; beyond this staff get a count, not a wall of text
MAX_MARKED = 100_000  # problem cells kept for the Excel report (``laporan``): every one a staff member fixes


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: str = "galat"  # galat (blocks the build) | peringatan (shown, build goes on)

    def __post_init__(self) -> None:
        if self.value is not None:
            object.__setattr__(self, "value", echo(self.value))
        # a file name, a key or a header echoed in the message holds what staff typed: masked like a value
        object.__setattr__(self, "file", privacy.mask_all(self.file))
        object.__setattr__(self, "message", privacy.mask_all(self.message))

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"baris {self.row}")
        if self.column:
            where.append(f"kolom {self.column}")
        shown = "" if self.value is None else f' nilai "{_clip(self.value)}":'
        return privacy.mask_all(f"[{self.severity.upper()}] {', '.join(where)}:{shown} {self.message}")


# Characters that do not show, or show as something else: format characters (zero-width space, bidi
# controls, soft hyphen), control characters, and other separators than the plain space. Echoed as written
# they make a refused value look valid ("16.05.01.2001" with a zero-width space inside).
_UNSEEN_RANGES = ((0x00, 0x1F), (0x7F, 0x9F), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029),
                  (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000), *privacy.FORMAT_RANGES)
_UNSEEN = re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in _UNSEEN_RANGES) + "]")


def visible(text: str) -> str:
    """``text`` with every character that does not show written as its code point: ``16.05<U+200B>.01``."""
    return _UNSEEN.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def echo(value: object) -> str:
    """How any value from staff data is shown in a message or report: a NIK, No. KK or mobile number in it
    only masked (``160501…02``, ``0812…7890``), whatever column it was typed into, and invisible characters
    made visible. The one way values reach staff's screen: ``Problem`` puts every value through it."""
    text = str(value)
    found = privacy.find_personal(text)
    if found:
        return found.masked
    return visible(text) if _UNSEEN.search(text) else text


def _clip(value: str, limit: int = 60) -> str:
    value = str(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass
class Report:
    """All problems and normalisation notes of one validation run."""

    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error_count: int = 0
    # every problem cell up to MAX_MARKED, for the Excel report; the console shows the first MAX_SHOWN
    marked: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        if problem.severity == "galat":
            self.error_count += 1
        if len(self.problems) < MAX_SHOWN or problem.severity != "galat":
            self.problems.append(problem)
        if len(self.marked) < MAX_MARKED:
            self.marked.append(problem)

    def error_cells(self, file: str, column: str | None, rows, values, message: str) -> None:
        """Many cells with the same fault: all are counted, only the first few hundred are spelled out."""
        rows, values = list(rows), list(values)
        room = max(0, MAX_SHOWN - len(self.problems))
        for row, value in zip(rows[:room], values[:room], strict=True):
            self.problems.append(Problem(file, message, row=int(row), column=column, value=str(value)))
        marks = max(0, MAX_MARKED - len(self.marked))
        self.marked += [Problem(file, message, row=int(row), column=column, value=str(value))
                        for row, value in zip(rows[:marks], values[:marks], strict=True)]
        self.error_count += len(rows)

    def error(self, file: str, message: str, **kw) -> None:
        self.add(Problem(file, message, **kw))

    def warn(self, file: str, message: str, **kw) -> None:
        self.add(Problem(file, message, severity="peringatan", **kw))

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def render(self) -> str:
        lines = [str(p) for p in self.problems]
        hidden = self.error_count - sum(p.severity == "galat" for p in self.problems)
        if hidden > 0:
            lines.append(f"… dan {hidden} galat lain yang tidak ditampilkan (perbaiki yang di atas dahulu).")
        lines += [f"[CATATAN] {n}" for n in self.notes]
        if self.ok:
            lines.append("Data valid: tidak ada galat.")
        else:
            lines.append(f"Data TIDAK valid: {self.error_count} galat. Perbaiki file di atas lalu jalankan lagi "
                         "`ranpasti validate`. Situs tidak diubah.")
        return "\n".join(lines)


class DataError(RanpastiError):
    """Raised when staff data cannot be used; carries the report so the CLI can print it and exit 1."""

    def __init__(self, report: Report):
        super().__init__(report.render())
        self.report = report
