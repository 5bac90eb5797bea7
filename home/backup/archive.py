"""One backup archive: a tar holding `manifest.json`, the database (`data.jsonl.gz`) and the uploaded files
(`media/...`, and `private/...` when the site keeps private uploads), optionally encrypted.

The manifest comes first and gives the format, when and from which engine the backup was made, the
migrations applied, the rows of each table, and the SHA-256 and size of every other member. Restore checks
each member against it while unpacking into a staging folder, and loads nothing unless all of them match.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from home.backup import crypto, tables

FORMAT = 1
MANIFEST = "manifest.json"
DATA = "data.jsonl.gz"
PASSPHRASE_VARIABLE = "LMS_BACKUP_PASSPHRASE"
_READ = 1 << 20


class BackupError(Exception):
    """A backup or restore refused, with a sentence saying why and what to do."""


def file_roots() -> dict[str, Path]:
    """The folders of uploaded files, by the name they have in an archive."""
    roots = {"media": Path(settings.MEDIA_ROOT)}
    private = getattr(settings, "LMS_PRIVATE_MEDIA_ROOT", None)
    if private:
        roots["private"] = Path(private)
    return roots


def _files_under(root: Path) -> Iterator[Path]:
    """Regular files under a folder (symbolic links are not followed), in a stable order."""
    if not root.is_dir():
        return
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                yield path


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB pieces."""
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while piece := source.read(_READ):
            digest.update(piece)
    return digest.hexdigest()


def applied_migrations(using: str = "default") -> list[list[str]]:
    """The migrations applied to the database, as sorted [app, name] pairs."""
    return sorted([app, name] for app, name in MigrationRecorder(connections[using]).applied_migrations())


class _HashingWriter:
    """Passes writes through to a file and keeps the SHA-256 of everything written."""

    def __init__(self, raw: BinaryIO):
        self.raw, self.digest = raw, hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.raw.write(data)


def archive_write(path: Path, *, passphrase: str | None = None, using: str = "default") -> dict:
    """Write a backup archive to `path` (and its checksum to `path`.sha256); return its manifest.

    The archive is written under a temporary name and renamed at the end, so a backup cut short never
    looks like a finished one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".lms-backup-", dir=path.parent) as work:
        data = Path(work, DATA)
        counts = tables.dump_database(data, using=using)
        members = {DATA: {"sha256": sha256_of(data), "size": data.stat().st_size}}
        sources = {DATA: data}
        for prefix, root in file_roots().items():
            for file in _files_under(root):
                name = f"{prefix}/{file.relative_to(root).as_posix()}"
                members[name] = {"sha256": sha256_of(file), "size": file.stat().st_size}
                sources[name] = file
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": connections[using].vendor,
            "encrypted": bool(passphrase),
            "migrations": applied_migrations(using),
            "tables": counts,
            "members": members,
        }
        partial = Path(work, "archive.partial")
        with open(partial, "wb") as raw:
            hashing = _HashingWriter(raw)
            sink = crypto.EncryptingWriter(hashing, passphrase) if passphrase else hashing
            with tarfile.open(fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                body = json.dumps(manifest, indent=1).encode("utf-8")
                tar.addfile(_info(MANIFEST, len(body)), io.BytesIO(body))
                for name, source in sources.items():
                    with open(source, "rb") as file:
                        tar.addfile(_info(name, members[name]["size"]), file)
            if passphrase:
                sink.close()
        os.replace(partial, path)
    Path(f"{path}.sha256").write_text(f"{hashing.digest.hexdigest()}  {path.name}\n", encoding="utf-8")
    return manifest


def _info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(datetime.datetime.now().timestamp())
    return info


def _safe_name(name: str) -> PurePosixPath:
    """A member's name as a relative path inside the staging folder; anything that could escape it is refused."""
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or "\\" in name or not pure.parts:
        raise BackupError(f"The archive holds a file with an unsafe name ({name!r}); it was not made by this site.")
    if pure.parts[0] not in {"media", "private"} and name != DATA:
        raise BackupError(f"The archive holds an unexpected file ({name!r}); it was not made by this site.")
    return pure


def _open_plain(raw: BinaryIO, path: Path, passphrase: str | None) -> BinaryIO:
    if crypto.is_encrypted(path):
        if not passphrase:
            raise BackupError(f"This archive is encrypted: set {PASSPHRASE_VARIABLE} to its passphrase.")
        try:
            return crypto.DecryptingReader(raw, passphrase)
        except crypto.DecryptionError as error:
            raise BackupError(str(error)) from None
    return raw


def _check_sidecar(path: Path) -> None:
    sidecar = Path(f"{path}.sha256")
    if sidecar.exists():
        expected = sidecar.read_text(encoding="utf-8").split()[0]
        if sha256_of(path) != expected:
            raise BackupError(f"The archive does not match its checksum file {sidecar.name}: it is damaged.")


def archive_extract(path: Path, staging: Path, *, passphrase: str | None = None) -> dict:
    """Unpack an archive into `staging`, checking every member against the manifest; return the manifest.

    Raises BackupError when the passphrase is wrong, a member is missing, unexpected or differs from its
    checksum, or the archive comes from another format.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no archive at {path}.")
    _check_sidecar(path)
    with open(path, "rb") as raw:
        source = _open_plain(raw, path, passphrase)
        try:
            return _unpack(source, staging)
        except crypto.DecryptionError as error:
            raise BackupError(str(error)) from None
        except (tarfile.TarError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as error:
            raise BackupError(f"The archive is damaged or is not a backup of this site ({error}).") from None


def _unpack(source: BinaryIO, staging: Path) -> dict:
    with tarfile.open(fileobj=source, mode="r|") as tar:
        first = tar.next()
        if first is None or first.name != MANIFEST or not first.isfile():
            raise BackupError("The archive does not start with a manifest: it is not a backup of this site.")
        manifest = json.loads(tar.extractfile(first).read().decode("utf-8"))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"The archive's format ({manifest.get('format')}) is not one this version can read.")
        expected = manifest["members"]
        seen = set()
        while (member := tar.next()) is not None:
            if not member.isfile() or member.name not in expected or member.name in seen:
                raise BackupError(f"The archive holds an unexpected entry ({member.name!r}).")
            target = staging.joinpath(*_safe_name(member.name).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with tar.extractfile(member) as piece_source, open(target, "wb") as out:
                while piece := piece_source.read(_READ):
                    digest.update(piece)
                    out.write(piece)
            if digest.hexdigest() != expected[member.name]["sha256"]:
                raise BackupError(f"{member.name} does not match its checksum: the archive was changed or damaged.")
            seen.add(member.name)
        missing = sorted(set(expected) - seen)
        if missing:
            raise BackupError(f"The archive is incomplete: {len(missing)} file(s) missing, the first {missing[0]}.")
    return manifest


def files_in_place(staging: Path) -> int:
    """Move the unpacked uploads from the staging folder into the site's folders; return how many."""
    moved = 0
    for prefix, root in file_roots().items():
        unpacked = staging / prefix
        for file in _files_under(unpacked):
            target = root / file.relative_to(unpacked)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(file, target)
            moved += 1
    return moved


def folders_holding_files() -> list[Path]:
    """The folders of uploads that already hold a file (restore refuses to mix two sites' files)."""
    return [root for root in file_roots().values() if next(_files_under(root), None) is not None]
