"""Issue 17 item 5: backup and restore round trips (PostgreSQL via pg_dump/pg_restore into a scratch
database, SQLite via the online backup API), media included, checksums verified, retention, S3."""

from __future__ import annotations

import socket
import sqlite3
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from apps.core import backup
from tests.factories import MembershipFactory, make_post

TEXTS = ["Паводки в Европе", "洪水が欧州を襲う", "فيضانات في أوروبا", "👩‍👩‍👧 family ZWJ", "e\u0301 combining"]


def _sample(target: backup.Target, table: str, limit: int = 5) -> list[tuple]:
    query = f'SELECT * FROM "{table}" ORDER BY 1 LIMIT {limit}'
    if target.vendor == "postgresql":
        import psycopg

        s = target.settings
        with psycopg.connect(
            dbname=s["NAME"], host=s.get("HOST") or None, port=s.get("PORT") or None, user=s.get("USER") or None
        ) as conn:
            return [tuple(r) for r in conn.execute(query).fetchall()]
    if target.is_default:
        return [tuple(r) for r in backup._sqlite_connection(target).execute(query).fetchall()]
    # the types Django's own connection converts to (its converters are registered process-wide)
    with sqlite3.connect(
        str(target.settings["NAME"]), detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
    ) as raw:
        return [tuple(r) for r in raw.execute(query).fetchall()]


@pytest.fixture
def media_files():
    saved = {}
    for i, text in enumerate(TEXTS):
        data = (text * 50).encode() + bytes(range(256))
        name = default_storage.save(f"ops-backup/{i}-файл.bin", ContentFile(data))
        saved[name] = data
    yield saved
    for name in saved:
        if default_storage.exists(name):
            default_storage.delete(name)


@pytest.fixture
def scratch_url(tmp_path):
    """An empty database of the configured kind to restore into."""
    if connection.vendor == "postgresql":
        import psycopg

        s = connection.settings_dict
        name = f"{s['NAME']}_restore"[:63]
        admin = {
            "host": s.get("HOST") or None,
            "port": s.get("PORT") or None,
            "user": s.get("USER") or None,
            "dbname": "postgres",
        }
        with psycopg.connect(**admin, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        url = f"postgres://{s.get('USER') or 'postgres'}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{name}"

        def empty() -> None:  # cheaper than DROP DATABASE (which waits for a checkpoint)
            with psycopg.connect(**{**admin, "dbname": name}, autocommit=True) as conn:
                conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
                conn.execute("CREATE SCHEMA public")

        empty()
        yield url
        empty()
    else:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"


@pytest.mark.slow
def test_round_trip_of_the_configured_database_and_media(transactional_db, tmp_path, scratch_url, media_files):
    membership = MembershipFactory()
    for text in TEXTS:
        make_post(workspace=membership.workspace, user=membership.user, title=text, text=text * 3)
    source = backup.Target.from_url(None)
    before = backup.table_counts(source)
    assert before["posts_post"] == len(TEXTS)

    call_command("backup", to=str(tmp_path / "archives"), keep=0)
    [archive] = list((tmp_path / "archives").glob("trendoscope-*.tar"))
    with tarfile.open(archive) as tar:
        assert set(tar.getnames()) == {
            "manifest.json",
            "media.tar",
            backup.DB_DUMP if connection.vendor == "postgresql" else backup.DB_SQLITE,
        }

    # the media are lost with the server
    for name in media_files:
        default_storage.delete(name)

    call_command("restore", str(archive), database_url=scratch_url)
    restored = backup.Target.from_url(scratch_url)
    assert backup.table_counts(restored) == before
    for table in ("accounts_user", "accounts_workspace", "accounts_membership", "posts_post", "django_migrations"):
        assert _sample(restored, table) == _sample(source, table), table
    titles = {row[0] for row in _restore_titles(restored)}
    assert set(TEXTS) <= titles
    for name, data in media_files.items():
        with default_storage.open(name, "rb") as f:
            assert f.read() == data

    # never over a database that holds anything
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), database_url=scratch_url)


def _restore_titles(target):
    query = "SELECT title FROM posts_post"
    if target.vendor == "postgresql":
        import psycopg

        s = target.settings
        with psycopg.connect(
            dbname=s["NAME"], host=s.get("HOST") or None, port=s.get("PORT") or None, user=s.get("USER") or None
        ) as conn:
            return conn.execute(query).fetchall()
    with sqlite3.connect(str(target.settings["NAME"])) as raw:
        return raw.execute(query).fetchall()


def _sqlite_source(path: Path) -> str:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT, applied TEXT)")
    conn.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('posts', '0001_initial', '2026-01-01')")
    conn.execute("CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT, body BLOB)")
    conn.executemany("INSERT INTO posts (title, body) VALUES (?, ?)", [(t, t.encode() * 100) for t in TEXTS * 40])
    conn.execute("CREATE TABLE empty_table (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"


def test_sqlite_online_backup_round_trip_with_a_writer_open(tmp_path, media_files, settings):
    source_url = _sqlite_source(tmp_path / "live.sqlite3")
    writer = sqlite3.connect(tmp_path / "live.sqlite3")
    writer.execute("INSERT INTO posts (title) VALUES ('uncommitted')")  # an open write transaction
    try:
        archive = backup.create_archive(database_url=source_url, workdir=tmp_path)
    finally:
        writer.rollback()
        writer.close()
    manifest = backup.read_archive(archive, tmp_path / "check")
    assert manifest["tables"] == {"django_migrations": 1, "posts": 200, "empty_table": 0}
    assert manifest["migrations"] == {"posts": "0001_initial"}
    assert manifest["versions"]["database"]["vendor"] == "sqlite"
    assert manifest["media_files"] >= len(media_files)

    target_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    result = backup.restore_archive(archive, database_url=target_url, media=False)
    assert result["tables"] == 3
    with sqlite3.connect(tmp_path / "restored.sqlite3") as a, sqlite3.connect(tmp_path / "live.sqlite3") as b:
        query = "SELECT id, title, body FROM posts ORDER BY id"
        assert a.execute(query).fetchall() == b.execute(query).fetchall()


def test_damaged_or_foreign_archives_are_refused(tmp_path, settings):
    archive = backup.create_archive(database_url=_sqlite_source(tmp_path / "src.sqlite3"), workdir=tmp_path)
    data = bytearray(archive.read_bytes())
    offset = data.find(b"SQLite format 3")
    data[offset + 5000] ^= 0xFF
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(bytes(data))
    with pytest.raises(backup.BackupError, match="checksum"):
        backup.restore_archive(damaged, database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    foreign = tmp_path / "foreign.tar"
    with tarfile.open(foreign, "w") as tar:
        tar.add(tmp_path / "src.sqlite3", arcname="database.sqlite3")
    with pytest.raises(CommandError, match="not a Trendoscope backup"):
        call_command("restore", str(foreign), database_url=f"sqlite:///{tmp_path / 'y.sqlite3'}")
    with pytest.raises(CommandError, match="no archive"):
        call_command("restore", str(tmp_path / "missing.tar"))


def test_retention_keeps_the_newest(tmp_path):
    url = _sqlite_source(tmp_path / "src.sqlite3")
    folder = tmp_path / "kept"
    made = [backup.run_backup(to=str(folder), database_url=url, keep=2)[0] for _ in range(4)]
    assert backup.list_archives(folder=str(folder)) == made[-2:]


def test_scheduled_backup_is_a_beat_entry_when_configured(settings):
    from celery import current_app

    from apps.core.schedule import backup_schedule

    assert backup_schedule(0) == {}
    assert "core-backup" not in settings.CELERY_BEAT_SCHEDULE  # off unless BACKUP_INTERVAL_HOURS is set
    entry = backup_schedule(24)["core-backup"]
    assert (entry["task"], entry["schedule"]) == ("core.backup", 86400.0)
    assert "core.backup" in current_app.tasks
    source = (Path(__file__).resolve().parents[2] / "config" / "settings" / "base.py").read_text()
    assert "CELERY_BEAT_SCHEDULE.update(backup_schedule(BACKUP_INTERVAL_HOURS))" in source


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_archives_go_to_and_come_back_from_s3(tmp_path, settings, monkeypatch):
    import boto3
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        settings.BACKUP_S3_BUCKET = "trendoscope-backups"
        settings.BACKUP_S3_ENDPOINT_URL = f"http://127.0.0.1:{port}"
        settings.BACKUP_S3_PREFIX = "nightly/"
        boto3.client("s3", endpoint_url=settings.BACKUP_S3_ENDPOINT_URL, region_name="us-east-1").create_bucket(
            Bucket="trendoscope-backups"
        )
        url = _sqlite_source(tmp_path / "src.sqlite3")
        locations = [backup.run_backup(database_url=url, keep=2)[0] for _ in range(3)]
        assert all(loc.startswith("s3://trendoscope-backups/nightly/trendoscope-") for loc in locations)
        assert backup.list_archives() == locations[-2:]
        out = tmp_path / "restored.sqlite3"
        call_command("restore", locations[-1], database_url=f"sqlite:///{out}", no_media=True)
        with sqlite3.connect(out) as conn:
            assert conn.execute("SELECT COUNT(*) FROM posts").fetchone()[0] == 200
    finally:
        server.stop()
