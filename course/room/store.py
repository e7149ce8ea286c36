"""The room's storage: SQLAlchemy Core tables in any database SQLAlchemy can reach.

SQLite (one file the instructor names) is the default; a ``postgresql+psycopg://`` URL works
the same. Every answer event carries an idempotency key with a unique constraint per room,
so a retried event is stored once. Deleting a room deletes every row that belongs to it.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read aloud
CODE_LENGTH = 6

metadata = sa.MetaData()


def _room_column(primary_key: bool = False) -> sa.Column:
    """The ``room`` column of a table whose rows belong to one room: deleting the room
    deletes them."""
    return sa.Column("room", sa.String(12), sa.ForeignKey("rooms.code", ondelete="CASCADE"),
                     primary_key=primary_key, nullable=False)


def _question_columns() -> tuple[sa.Column, sa.Column]:
    """Which quiz question a row is about: its module's slug and the question's id."""
    return (sa.Column("module", sa.String(80), nullable=False),
            sa.Column("question_id", sa.String(80), nullable=False))


settings = sa.Table(
    "room_settings", metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)
rooms = sa.Table(
    "rooms", metadata,
    sa.Column("code", sa.String(12), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("created", sa.Float, nullable=False),
)
members = sa.Table(
    "room_members", metadata,
    _room_column(primary_key=True),
    sa.Column("pseudonym", sa.String(64), primary_key=True),
    sa.Column("joined", sa.Float, nullable=False),
)
events = sa.Table(
    "room_events", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _room_column(),
    sa.Column("key", sa.String(64), nullable=False),
    sa.Column("pseudonym", sa.String(64), nullable=False),
    *_question_columns(),
    sa.Column("answer", sa.Text, nullable=False),  # JSON: the chosen option(s) or value
    sa.Column("correct", sa.Boolean, nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("time", sa.String(40), nullable=False),  # the learner's clock (ISO 8601)
    sa.Column("received", sa.Float, nullable=False),
    sa.UniqueConstraint("room", "key", name="uq_room_event_key"),
)
sa.Index("ix_room_events_room_id", events.c.room, events.c.id)
polls = sa.Table(
    "room_polls", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _room_column(),
    *_question_columns(),
    sa.Column("question", sa.Text, nullable=False),  # JSON of what learners are shown
    sa.Column("state", sa.String(10), nullable=False),  # open | closed | revealed
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("opened", sa.Float, nullable=False),
)


def new_code() -> str:
    """A random join code like ``K7QX2M``."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def engine_for(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL mode and a busy timeout (several workers)."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return sa.create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def sqlite_url(path: str) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"


@dataclass
class Store:
    """Every query the room server makes, on one engine."""

    engine: Engine
    # (room, pseudonym) pairs this process has stored a member row for: saves an insert per
    # answer. Forgotten when a room is deleted.
    _members_seen: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def open(cls, url: str) -> Store:
        store = cls(engine_for(url))
        metadata.create_all(store.engine)
        return store

    # -- settings and rooms ---------------------------------------------------------------

    def instructor_token(self) -> str:
        """The instructor's secret, created on first use and kept in the database."""
        with self.engine.begin() as conn:
            found = conn.execute(sa.select(settings.c.value).where(
                settings.c.name == "instructor_token")).scalar()
            if found:
                return str(found)
            token = secrets.token_urlsafe(24)
            conn.execute(settings.insert().values(name="instructor_token", value=token))
            return token

    def create_room(self, title: str = "Workshop", code: str | None = None) -> str:
        code = code or new_code()
        with self.engine.begin() as conn:
            conn.execute(rooms.insert().values(code=code, title=title, created=time.time()))
        return code

    def latest_room(self) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(rooms.c.code).order_by(
                rooms.c.created.desc()).limit(1)).scalar()

    def room(self, code: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(rooms).where(rooms.c.code == code)).mappings().first()
        return dict(row) if row else None

    def room_exists(self, code: str) -> bool:
        """Whether the room exists (asked on every answer: one indexed lookup)."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(rooms.c.code).where(rooms.c.code == code)
                                ).first() is not None

    def delete_room(self, code: str) -> int:
        """Delete the room and every event, member and poll of it; return rows deleted."""
        with self.engine.begin() as conn:
            total = 0
            for table in (events, members, polls):
                total += conn.execute(table.delete().where(table.c.room == code)).rowcount
            total += conn.execute(rooms.delete().where(rooms.c.code == code)).rowcount
        self._members_seen = {pair for pair in self._members_seen if pair[0] != code}
        return total

    # -- learners -------------------------------------------------------------------------

    def _insert_ignore(self, table: sa.Table, values: dict[str, Any]) -> Any:
        name = self.engine.dialect.name
        if name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as postgresql_insert

            return postgresql_insert(table).values(**values).on_conflict_do_nothing()
        if name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            return sqlite_insert(table).values(**values).on_conflict_do_nothing()
        # other databases: plain insert, duplicates raise
        return table.insert().values(**values)  # pragma: no cover

    def join(self, code: str, pseudonym: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(self._insert_ignore(members, {"room": code, "pseudonym": pseudonym,
                                                       "joined": time.time()}))

    def add_event(self, code: str, event: dict[str, Any]) -> bool:
        """Store one answer event; False when its key was already stored (a retry)."""
        now = time.time()
        with self.engine.begin() as conn:
            if (code, event["pseudonym"]) not in self._members_seen:
                conn.execute(self._insert_ignore(members, {"room": code,
                                                           "pseudonym": event["pseudonym"],
                                                           "joined": now}))
            inserted = conn.execute(self._insert_ignore(events, {
                "room": code, "key": event["key"], "pseudonym": event["pseudonym"],
                "module": event["module"], "question_id": event["question_id"],
                "answer": json.dumps(event["answer"], sort_keys=True),
                "correct": bool(event["correct"]), "attempt": int(event["attempt"]),
                "time": event["time"], "received": now,
            }).returning(events.c.id)).first()
        self._members_seen.add((code, event["pseudonym"]))
        return inserted is not None

    def events(self, code: str) -> list[dict[str, Any]]:
        """Every event of the room, oldest first, with ``answer`` decoded."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(events).where(events.c.room == code)
                                .order_by(events.c.id)).mappings().all()
        return [{**row, "answer": json.loads(row["answer"])} for row in rows]

    def events_after(self, code: str, last_id: int) -> list[dict[str, Any]]:
        """The room's events with an id above ``last_id``, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(events).where(events.c.room == code,
                                                        events.c.id > last_id)
                                .order_by(events.c.id)).mappings().all()
        return [{**row, "answer": json.loads(row["answer"])} for row in rows]

    def counts(self, code: str) -> tuple[int, int]:
        """(members, events) of the room: a cheap change marker for live updates."""
        with self.engine.connect() as conn:
            joined = conn.execute(sa.select(sa.func.count()).select_from(members)
                                  .where(members.c.room == code)).scalar() or 0
            total = conn.execute(sa.select(sa.func.count()).select_from(events)
                                 .where(events.c.room == code)).scalar() or 0
        return int(joined), int(total)

    # -- polls ----------------------------------------------------------------------------

    def open_poll(self, code: str, module: str, question_id: str,
                  question: dict[str, Any]) -> dict[str, Any]:
        """Close any open poll and open this one."""
        with self.engine.begin() as conn:
            version = self._next_version(conn, code)
            conn.execute(polls.update().where(polls.c.room == code, polls.c.state == "open")
                         .values(state="closed", version=version))
            conn.execute(polls.insert().values(
                room=code, module=module, question_id=question_id,
                question=json.dumps(question), state="open", version=version + 1,
                opened=time.time()))
        return self.current_poll(code) or {}

    def set_poll_state(self, code: str, state: str) -> dict[str, Any] | None:
        """Move the room's latest poll to ``state`` (closed or revealed)."""
        with self.engine.begin() as conn:
            latest = conn.execute(sa.select(polls.c.id).where(polls.c.room == code)
                                  .order_by(polls.c.id.desc()).limit(1)).scalar()
            if latest is None:
                return None
            version = self._next_version(conn, code)
            conn.execute(polls.update().where(polls.c.id == latest)
                         .values(state=state, version=version + 1))
        return self.current_poll(code)

    @staticmethod
    def _next_version(conn: sa.Connection, code: str) -> int:
        return int(conn.execute(sa.select(sa.func.max(polls.c.version))
                                .where(polls.c.room == code)).scalar() or 0)

    def current_poll(self, code: str) -> dict[str, Any] | None:
        """The room's latest poll (any state), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(polls).where(polls.c.room == code)
                               .order_by(polls.c.id.desc()).limit(1)).mappings().first()
        if not row:
            return None
        return {**row, "question": json.loads(row["question"])}

    def poll_version(self, code: str) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.max(polls.c.version))
                                    .where(polls.c.room == code)).scalar() or 0)
