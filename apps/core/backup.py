"""Consistent backups and restores of the database and the media (manage.py backup / restore).

An archive is one uncompressed tar, trendoscope-<UTC time>.tar, holding
- database.dump (PostgreSQL: pg_dump's custom format, one consistent snapshot) or database.sqlite3
  (SQLite: the online backup API, consistent while the app keeps writing);
- media.tar (every file of the default storage: the local folder or the S3 bucket);
- manifest.json: format, when, versions (Python, Django, database server, pg_dump), applied migrations,
  row counts per table, and the size and SHA-256 of each file above (checked before a restore).

Archives go to BACKUP_DIR or, when BACKUP_S3_BUCKET is set, to that bucket under BACKUP_S3_PREFIX;
`prune` keeps the newest BACKUP_KEEP. A restore goes into an empty database only.

Only generic Django machinery is used (connection settings, the migration recorder, default_storage),
so this module knows no app.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dj_database_url
import django
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection as default_connection

FORMAT = 1
ARCHIVE_PREFIX = "trendoscope-"
DB_DUMP = "database.dump"
DB_SQLITE = "database.sqlite3"
MEDIA = "media.tar"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def _count(row: tuple[Any, ...] | None) -> int:
    return int(row[0]) if row else 0


@dataclass
class Target:
    """The database a backup reads or a restore writes: Django settings_dict keys."""

    vendor: str
    settings: dict[str, Any]

    @classmethod
    def from_url(cls, url: str | None) -> Target:
        if not url:
            conn = default_connection
            vendor = conn.vendor
            return cls(vendor=vendor, settings=dict(conn.settings_dict))
        parsed = dj_database_url.parse(url)
        engine = parsed["ENGINE"]
        vendor = "postgresql" if "postgresql" in engine else "sqlite" if "sqlite" in engine else engine
        return cls(vendor=vendor, settings=dict(parsed))

    @property
    def is_default(self) -> bool:
        mine = default_connection.settings_dict
        return all(str(self.settings.get(k) or "") == str(mine.get(k) or "") for k in ("NAME", "HOST", "PORT"))

    def pg_env(self) -> dict[str, str]:
        s = self.settings
        env = {**os.environ, "PGDATABASE": str(s["NAME"])}
        for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
            if s.get(key):
                env[var] = str(s[key])
        sslmode = (s.get("OPTIONS") or {}).get("sslmode")
        if sslmode:
            env["PGSSLMODE"] = sslmode
        return env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- database -----------------------------------------------------------------------------------------


def _sqlite_connection(target: Target) -> sqlite3.Connection:
    """The raw connection: Django's own for the default database (an in-memory test database exists
    only there), a new one otherwise."""
    if target.is_default:
        default_connection.ensure_connection()
        return default_connection.connection
    return sqlite3.connect(str(target.settings["NAME"]))


def _dump_database(target: Target, workdir: Path) -> tuple[str, dict]:
    if target.vendor == "postgresql":
        out = workdir / DB_DUMP
        version = subprocess.run(["pg_dump", "--version"], capture_output=True, text=True, check=True).stdout.strip()
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(out)],
            env=target.pg_env(),
            capture_output=True,
            text=True,
            timeout=6 * 3600,
        )
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()[:500]}")
        return DB_DUMP, {"pg_dump": version}
    if target.vendor == "sqlite":
        out = workdir / DB_SQLITE
        source = _sqlite_connection(target)
        dest = sqlite3.connect(str(out))
        try:
            source.backup(dest)  # the online backup API: a consistent copy while others write
        finally:
            dest.close()
            if not target.is_default:
                source.close()
        return DB_SQLITE, {"sqlite": sqlite3.sqlite_version}
    raise BackupError(f"cannot back up a {target.vendor} database")


def _server_version(target: Target) -> str:
    if target.vendor == "postgresql":
        result = subprocess.run(
            ["psql", "-XAtc", "SHOW server_version"], env=target.pg_env(), capture_output=True, text=True, timeout=60
        )
        return result.stdout.strip()
    return sqlite3.sqlite_version


def table_counts(target: Target) -> dict[str, int]:
    """Rows per table (every table of the database, ours and third parties')."""
    if target.vendor == "postgresql":
        import psycopg  # PostgreSQL targets only (0.6 s to import where SQLite is used)

        s = target.settings
        with psycopg.connect(
            dbname=s["NAME"], host=s.get("HOST") or None, port=s.get("PORT") or None, user=s.get("USER") or None,
            password=s.get("PASSWORD") or None,
        ) as conn:  # fmt: skip
            names = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            return {n: _count(conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()) for n in sorted(names)}
    raw = _sqlite_connection(target)
    try:
        names = [
            r[0]
            for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        ]
        return {n: raw.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in sorted(names)}
    finally:
        if not target.is_default:
            raw.close()


def _migrations(target: Target) -> dict[str, str]:
    """The latest applied migration per app (from django_migrations)."""
    counts_sql = "SELECT app, MAX(name) FROM django_migrations GROUP BY app"
    if target.vendor == "postgresql":
        import psycopg  # PostgreSQL targets only (0.6 s to import where SQLite is used)

        s = target.settings
        with psycopg.connect(
            dbname=s["NAME"], host=s.get("HOST") or None, port=s.get("PORT") or None, user=s.get("USER") or None,
            password=s.get("PASSWORD") or None,
        ) as conn:  # fmt: skip
            return dict(conn.execute(counts_sql).fetchall())
    raw = _sqlite_connection(target)
    try:
        return dict(raw.execute(counts_sql).fetchall())
    except sqlite3.OperationalError:
        return {}
    finally:
        if not target.is_default:
            raw.close()


# --- media --------------------------------------------------------------------------------------------


def _media_names(path: str = "") -> list[str]:
    try:
        folders, files = default_storage.listdir(path)
    except FileNotFoundError:
        return []
    names = [f"{path}/{f}" if path else f for f in files]
    for folder in folders:
        names += _media_names(f"{path}/{folder}" if path else folder)
    return names


def _dump_media(workdir: Path) -> int:
    count = 0
    with tarfile.open(workdir / MEDIA, "w") as tar:
        for name in sorted(_media_names()):
            with default_storage.open(name, "rb") as f:
                data = f.read()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            count += 1
    return count


def _restore_media(path: Path) -> int:
    count = 0
    with tarfile.open(path) as tar:
        for member in tar.getmembers():
            if not member.isfile() or member.name.startswith(("/", "..")) or "/../" in member.name:
                continue
            extracted = tar.extractfile(member)
            if extracted is None:
                continue
            data = extracted.read()
            if default_storage.exists(member.name):
                default_storage.delete(member.name)
            saved = default_storage.save(member.name, ContentFile(data))
            if saved != member.name:
                raise BackupError(f"media file {member.name} was stored as {saved}")
            count += 1
    return count


# --- archive ------------------------------------------------------------------------------------------


def create_archive(*, database_url: str | None = None, workdir: Path) -> Path:
    """Write the archive into `workdir` and return its path."""
    target = Target.from_url(database_url)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    staging = workdir / f"{ARCHIVE_PREFIX}{stamp}"
    staging.mkdir(parents=True)
    db_file, tools = _dump_database(target, staging)
    media_files = _dump_media(staging)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "versions": {
            "python": platform.python_version(),
            "django": django.get_version(),
            "database": {"vendor": target.vendor, "server": _server_version(target), **tools},
        },
        "database_file": db_file,
        "migrations": _migrations(target),
        "tables": table_counts(target),
        "media_files": media_files,
        "files": {
            name: {"bytes": (staging / name).stat().st_size, "sha256": _sha256(staging / name)}
            for name in (db_file, MEDIA)
        },
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    archive = workdir / f"{staging.name}.tar"
    with tarfile.open(archive, "w") as tar:
        for name in (MANIFEST, db_file, MEDIA):
            tar.add(staging / name, arcname=name)
    shutil.rmtree(staging)
    return archive


def read_archive(archive: Path, into: Path) -> dict:
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        if MANIFEST not in names:
            raise BackupError(f"{archive.name} has no {MANIFEST}: not a Trendoscope backup")
        for name in names:
            if name not in (MANIFEST, DB_DUMP, DB_SQLITE, MEDIA):
                raise BackupError(f"unexpected file {name!r} in the archive")
        tar.extractall(into, filter="data")
    manifest = json.loads((into / MANIFEST).read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"archive format {manifest.get('format')} is not {FORMAT}")
    for name, meta in manifest["files"].items():
        path = into / name
        if not path.exists() or path.stat().st_size != meta["bytes"] or _sha256(path) != meta["sha256"]:
            raise BackupError(f"{name} does not match its checksum in the manifest: the archive is damaged")
    return manifest


def _assert_empty(target: Target) -> None:
    tables = table_counts(target)
    if tables:
        raise BackupError(
            f"the target database is not empty ({len(tables)} tables); restore into a new, empty database"
        )


def restore_archive(archive: Path, *, database_url: str | None = None, media: bool = True) -> dict:
    target = Target.from_url(database_url)
    with tempfile.TemporaryDirectory(prefix="trendoscope-restore-") as tmp:
        into = Path(tmp)
        manifest = read_archive(archive, into)
        vendor = manifest["versions"]["database"]["vendor"]
        if vendor != target.vendor:
            raise BackupError(f"the archive holds a {vendor} database; the target is {target.vendor}")
        _assert_empty(target)
        if vendor == "postgresql":
            result = subprocess.run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    "--dbname",
                    str(target.settings["NAME"]),
                    str(into / DB_DUMP),
                ],
                env=target.pg_env(),
                capture_output=True,
                text=True,
                timeout=6 * 3600,
            )
            if result.returncode:
                raise BackupError(f"pg_restore failed: {result.stderr.strip()[:500]}")
        else:
            source = sqlite3.connect(str(into / DB_SQLITE))
            dest = _sqlite_connection(target)
            try:
                source.backup(dest)
            finally:
                source.close()
                if not target.is_default:
                    dest.close()
        restored_media = _restore_media(into / MEDIA) if media else 0
    counts = table_counts(target)
    if counts != manifest["tables"]:
        differ = sorted(t for t in set(counts) | set(manifest["tables"]) if counts.get(t) != manifest["tables"].get(t))
        raise BackupError(f"restored row counts differ from the manifest in: {', '.join(differ[:10])}")
    return {"manifest": manifest, "media_files": restored_media, "tables": len(counts)}


# --- where archives live ------------------------------------------------------------------------------


def _s3():
    import boto3  # heavy (about 1 s to import): S3 backups only

    return boto3.client(
        "s3",
        endpoint_url=settings.BACKUP_S3_ENDPOINT_URL or None,
        region_name=settings.AWS_S3_REGION_NAME,
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID") or None,
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
    )


def store(archive: Path, *, to: str | None = None) -> str:
    """Move the archive to the folder `to` (default BACKUP_DIR) or, without `to` and with
    BACKUP_S3_BUCKET set, upload it. Returns where it went."""
    if to is None and settings.BACKUP_S3_BUCKET:
        key = f"{settings.BACKUP_S3_PREFIX}{archive.name}"
        _s3().upload_file(str(archive), settings.BACKUP_S3_BUCKET, key)
        archive.unlink()
        return f"s3://{settings.BACKUP_S3_BUCKET}/{key}"
    folder = Path(to or settings.BACKUP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / archive.name
    shutil.move(str(archive), dest)
    return str(dest)


def fetch(location: str, workdir: Path) -> Path:
    if location.startswith("s3://"):
        bucket, _, key = location[5:].partition("/")
        dest = workdir / Path(key).name
        _s3().download_file(bucket, key, str(dest))
        return dest
    path = Path(location)
    if not path.is_file():
        raise BackupError(f"no archive at {location}")
    return path


def list_archives(*, folder: str | None = None) -> list[str]:
    if folder is None and settings.BACKUP_S3_BUCKET:
        pages = (
            _s3()
            .get_paginator("list_objects_v2")
            .paginate(Bucket=settings.BACKUP_S3_BUCKET, Prefix=f"{settings.BACKUP_S3_PREFIX}{ARCHIVE_PREFIX}")
        )
        keys = [o["Key"] for page in pages for o in page.get("Contents", []) if o["Key"].endswith(".tar")]
        return [f"s3://{settings.BACKUP_S3_BUCKET}/{k}" for k in sorted(keys)]
    path = Path(folder or settings.BACKUP_DIR)
    return sorted(str(p) for p in path.glob(f"{ARCHIVE_PREFIX}*.tar")) if path.is_dir() else []


def prune(*, keep: int, folder: str | None = None) -> list[str]:
    """Delete all but the newest `keep` archives (names sort by time). Returns what was deleted."""
    archives = list_archives(folder=folder)
    doomed = archives[:-keep] if keep > 0 else []
    for location in doomed:
        if location.startswith("s3://"):
            bucket, _, key = location[5:].partition("/")
            _s3().delete_object(Bucket=bucket, Key=key)
        else:
            Path(location).unlink()
    return doomed


def run_backup(
    *, to: str | None = None, database_url: str | None = None, keep: int | None = None
) -> tuple[str, list[str]]:
    with tempfile.TemporaryDirectory(prefix="trendoscope-backup-") as tmp:
        archive = create_archive(database_url=database_url, workdir=Path(tmp))
        location = store(archive, to=to)
    removed = prune(keep=keep, folder=to) if keep else []
    return location, removed
