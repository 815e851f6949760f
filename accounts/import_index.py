"""The interaction ids an import file names, kept on disk while the file is validated.

Checking a file whole needs every ``interaction_id`` it defines (a later repeat is an
error naming the first row) and every ``responds_to`` it uses (each must name a row of
the file or of the database). Held in Python dicts, a million-row file's ids cost
~150 MB, growing with the file; here they live in a temporary SQLite file (the standard
library's), so memory stays flat — SQLite's bounded page cache — at a few microseconds
a row.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

#: Rows inserted per transaction of the scratch database.
_COMMIT_EVERY = 10_000


class FileIdIndex:
    """``interaction_id`` → first row, and ``responds_to`` references, of one file."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="crm-import-")
        self._db = sqlite3.connect(Path(self._dir.name) / "ids.sqlite3")
        # Scratch data: no journal, no fsync; the file dies with the import.
        self._db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE ids (id TEXT PRIMARY KEY, row INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE refs (parent TEXT NOT NULL, row INTEGER NOT NULL);
            """
        )
        self._pending = 0

    def __enter__(self) -> FileIdIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()
        self._dir.cleanup()

    def claim(self, interaction_id: str, row: int) -> int | None:
        """Record ``interaction_id`` as defined at ``row``; if an earlier row defined it
        already, return that row (and record nothing)."""
        cursor = self._db.execute(
            "INSERT INTO ids (id, row) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
            (interaction_id, row),
        )
        self._count()
        if cursor.rowcount == 1:
            return None
        return self._db.execute("SELECT row FROM ids WHERE id = ?", (interaction_id,)).fetchone()[0]

    def refer(self, parent: str, row: int) -> None:
        """``row`` responds to ``parent``."""
        self._db.execute("INSERT INTO refs (parent, row) VALUES (?, ?)", (parent, row))
        self._count()

    def unresolved(self) -> Iterator[str]:
        """Parents referred to but defined by no row of the file, sorted."""
        self._db.commit()
        cursor = self._db.execute(
            "SELECT DISTINCT parent FROM refs WHERE parent NOT IN (SELECT id FROM ids) "
            "ORDER BY parent"
        )
        for (parent,) in cursor:
            yield parent

    def rows_referring_to(self, parent: str) -> list[int]:
        return [
            row
            for (row,) in self._db.execute(
                "SELECT row FROM refs WHERE parent = ? ORDER BY row", (parent,)
            )
        ]

    def _count(self) -> None:
        self._pending += 1
        if self._pending >= _COMMIT_EVERY:
            self._db.commit()
            self._pending = 0
