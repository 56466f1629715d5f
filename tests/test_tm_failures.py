"""Issue 12 (failure 10): the translation memory fails cleanly — foreign, newer, corrupt, locked
and read-only files give one line naming the file (and are never modified)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import toolkit.mt.translator
from fakes import EchoEngine
from toolkit.cli.app import main
from toolkit.errors import InputError
from toolkit.types import Draft
import toolkit.workflow.tm as tm_module
from toolkit.workflow.tm import TranslationMemory


@pytest.fixture
def echo(monkeypatch):
    engine = EchoEngine()
    monkeypatch.setattr(toolkit.mt.translator, "load_engine", lambda model, **kw: engine)
    return engine


def foreign_sqlite(path: Path) -> Path:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    db.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    db.commit()
    db.close()
    return path


def test_foreign_sqlite_file_is_refused_unmodified_with_one_line_naming_it(echo, tmp_path, capsys):
    tm = foreign_sqlite(tmp_path / "places.sqlite")
    before = tm.read_bytes()
    article = tmp_path / "a.txt"
    article.write_text("Xin chào.\n", encoding="utf-8")
    code = main(["translate", str(article), "-o", str(tmp_path / "out"), "--tm", str(tm), "--no-glossary"])
    err = capsys.readouterr().err
    assert code == 1
    assert str(tm) in err and "another program" in err and "internal error" not in err
    assert err.strip().count("\n") == 0
    assert tm.read_bytes() == before


def test_newer_schema_is_refused_without_modification(tmp_path):
    path = tmp_path / "tm.sqlite"
    TranslationMemory(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {tm_module.SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(InputError, match="newer") as err:
        TranslationMemory(path)
    assert str(path) in str(err.value)
    assert path.read_bytes() == before


def test_new_tm_carries_application_id_and_schema_version(tmp_path):
    path = tmp_path / "tm.sqlite"
    TranslationMemory(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA application_id").fetchone()[0] == tm_module.APPLICATION_ID
    assert db.execute("PRAGMA user_version").fetchone()[0] == tm_module.SCHEMA_VERSION
    db.close()


def test_corrupt_tm_is_one_error_naming_the_file_and_the_fix(tmp_path):
    path = tmp_path / "tm.sqlite"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(InputError) as err:
        TranslationMemory(path)
    assert str(path) in str(err.value) and "move it away" in str(err.value)


def test_locked_tm_is_waited_for_then_reported_as_a_lock(tmp_path):
    path = tmp_path / "tm.sqlite"
    TranslationMemory(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")        # another run is writing
    messages: list[str] = []
    try:
        tm = TranslationMemory(path, lock_wait=0.6, notify=messages.append)
        assert tm.lookup_approved(["Xin chào."]) == {}   # reading is possible meanwhile
        with pytest.raises(tm_module.TMLockedError) as err:
            tm.add_approved([("Xin chào.", "Hello.")], "a.po")
        assert str(path) in str(err.value) and "locked" in str(err.value)
        assert any("waiting" in m for m in messages)
        tm.close()
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_lock_released_while_waiting_lets_the_write_through(tmp_path):
    import threading

    path = tmp_path / "tm.sqlite"
    TranslationMemory(path).close()
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    timer.start()
    with TranslationMemory(path, lock_wait=10, notify=lambda m: None) as tm:
        assert tm.add_approved([("Xin chào.", "Hello.")], "a.po") == 1
        assert tm.lookup_approved(["Xin chào."]) == {"Xin chào.": ("Hello.", "a.po")}
    timer.join()
    other.close()


def test_readonly_tm_serves_lookups_writes_nothing_and_says_so(tmp_path):
    path = tmp_path / "tm.sqlite"
    with TranslationMemory(path) as tm:
        tm.add_approved([("Xin chào.", "Hello.")], "a.po")
    before = path.read_bytes()
    messages: list[str] = []
    with TranslationMemory(path, readonly=True, notify=messages.append) as tm:
        assert tm.lookup_approved(["Xin chào."]) == {"Xin chào.": ("Hello.", "a.po")}
        tm.add_drafts({"Tạm biệt.": Draft("Goodbye.")}, "ctx")
        assert tm.add_approved([("Tạm biệt.", "Bye.")], "b.po") == 0
    assert path.read_bytes() == before


def test_unwritable_tm_file_is_used_read_only_with_a_warning(tmp_path, monkeypatch):
    path = tmp_path / "tm.sqlite"
    TranslationMemory(path).close()
    # Root ignores permission bits, so the check bitext makes (os.access) is what is simulated.
    monkeypatch.setattr("toolkit.workflow.tm.os.access", lambda p, mode: False)
    messages: list[str] = []
    with TranslationMemory(path, notify=messages.append) as tm:
        assert tm.readonly
    assert len(messages) == 1 and str(path) in messages[0] and "read-only" in messages[0]
