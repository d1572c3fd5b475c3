"""What an ingest did: new drafts (with paths), duplicates, spam, rejections (with where and why), and notes
for the editor. Printed as a table, or as JSON for tools. No private detail ever appears in it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from extramile.ingest.records import Problem


@dataclass
class Report:
    sources: list[str] = field(default_factory=list)
    new: list[dict] = field(default_factory=list)
    duplicate: list[dict] = field(default_factory=list)
    spam: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    dry_run: bool = False
    branch: str | None = None
    committed: bool = False

    # -- recording ---------------------------------------------------------------------------------------
    def add_new(self, path: str, submission_id: str, location: object) -> None:
        self.new.append({"path": path, "id": submission_id, "location": str(location)})

    def add_duplicate(self, submission_id: str, location: object, of: str, by: str) -> None:
        self.duplicate.append({"id": submission_id, "location": str(location), "of": of, "by": by})

    def add_spam(self, submission_id: str, location: object, reason: str) -> None:
        self.spam.append({"id": submission_id, "location": str(location), "reason": reason})

    def add_rejected(self, problem: Problem, submission_id: str | None = None) -> None:
        self.rejected.append({"location": str(problem.location), "id": submission_id, "field": problem.field,
                              "reason": problem.reason})

    def add_note(self, problem: Problem, path: str | None = None) -> None:
        self.notes.append({"location": str(problem.location), "path": path, "field": problem.field,
                           "message": problem.reason})

    # -- reading -----------------------------------------------------------------------------------------
    @property
    def rejected_submissions(self) -> int:
        """Rejected submissions (or refused files): several problems with one row count once."""
        return len({(item["location"], item["id"]) for item in self.rejected})

    def exit_code(self) -> int:
        return 1 if self.rejected else 0

    def summary(self) -> str:
        text = (f"{len(self.new)} new, {len(self.duplicate)} duplicate, {len(self.spam)} spam, "
                f"{self.rejected_submissions} rejected")
        return f"{text} (dry run: nothing written)" if self.dry_run else text

    def to_json(self) -> dict:
        return {
            "summary": {"new": len(self.new), "duplicate": len(self.duplicate), "spam": len(self.spam),
                        "rejected": self.rejected_submissions, "dry_run": self.dry_run},
            "sources": self.sources, "new": self.new, "duplicate": self.duplicate, "spam": self.spam,
            "rejected": self.rejected, "notes": self.notes, "messages": self.messages,
            "branch": {"name": self.branch, "committed": self.committed} if self.branch else None,
            "exit_code": self.exit_code(),
        }

    def dumps_json(self) -> str:
        return _printable(json.dumps(self.to_json(), ensure_ascii=False, indent=2))

    def to_text(self) -> str:
        lines = [f"extramile ingest: {self.summary()}"]
        if self.sources:
            lines.append(f"from: {', '.join(self.sources)}")
        lines += [f"  {message}" for message in self.messages]
        sections = (
            ("New drafts" if not self.dry_run else "New drafts (not written: dry run)",
             ("path", "id", "from"), [(i["path"], i["id"], i["location"]) for i in self.new]),
            ("Duplicates (nothing written)", ("from", "id", "already in"),
             [(i["location"], i["id"], f"{i['of']} (same {i['by']})") for i in self.duplicate]),
            ("Spam (nothing written)", ("from", "id", "why"), [(i["location"], i["id"], i["reason"]) for i in self.spam]),
            ("Rejected (fix the source and run again)", ("where", "field", "reason"),
             [(i["location"], i["field"], i["reason"]) for i in self.rejected]),
            ("Notes for the editor", ("where", "field", "note"),
             [(i["path"] or i["location"], i["field"], i["message"]) for i in self.notes]),
        )
        for title, header, rows in sections:
            if rows:
                lines += ["", f"{title}:", *_table(header, rows)]
        if self.branch:
            if self.dry_run:
                outcome = "would get one commit with the new drafts" if self.new else "would not be created: no new drafts"
            elif self.committed:
                outcome = "one commit with the new drafts; you are back where you were"
            else:
                outcome = "not created: no new drafts"
            lines += ["", f"branch {self.branch}: {outcome}"]
        return _printable("\n".join(lines))


def _printable(text: str) -> str:
    """A lone surrogate in a source's name or id (no encoding can write one) as its escape, so printing never fails."""
    return text if text.isascii() else text.encode("utf-8", "backslashreplace").decode("utf-8")


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]], max_width: int = 110) -> list[str]:
    cells = [tuple(str(cell) for cell in header), *[tuple(str(cell) for cell in row) for row in rows]]
    widths = [min(max(len(row[i]) for row in cells), max_width) for i in range(len(header) - 1)]
    out = []
    for number, row in enumerate(cells):
        text = "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1]
        out.append("  " + text.rstrip())
        if number == 0:
            out.append("  " + "  ".join("-" * width for width in widths) + "  " + "-" * len(header[-1]))
    return out
