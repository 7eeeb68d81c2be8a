"""The bundle file (.tdsync): a zip holding a manifest, one JSON-lines file per table, and a signature.

    manifest.json          {"format": "towndesk-sync", "format_version": 1, "bundle_id", "source",
                            "source_name", "target", "seq", "range": {"since", "until"}, "created_at",
                            "created_by", "schema_version", "app_version", "counts": {table: n},
                            "files": {name: {"sha256", "size"}}, "acked"}
                           "acked": the highest number of the receiver's bundles the sender has imported
                           (a confirmation: the receiver resends the records of later ones)
    records/<table>.jsonl  one JSON object per row: every column by field name; foreign keys as the
                           referenced row's uid; dates and times ISO 8601 (UTC); JSON columns as their
                           value; plus "_base": the version (updated_at) of the row the sender last
                           exchanged with the receiver, or null.
    signature              hex HMAC-SHA256 of manifest.json's bytes with the pair's key. The manifest
                           holds every data file's SHA-256 and size, so the signature covers everything.

Reading never trusts a byte before it is checked: the whole file is read into memory once (a bundle is
compressed JSON, a few MB per ten thousand records), so what was verified is what is imported.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from models.errors import TownDeskError

FORMAT = "towndesk-sync"
FORMAT_VERSION = 1
SUFFIX = ".tdsync"
MANIFEST = "manifest.json"
SIGNATURE = "signature"
RECORDS = "records/"
KEEP = 256 * 1024 * 1024      # decompressed data files kept between checking and importing them
ROWS_PER_PARSE = 2000         # lines of a records file parsed by one json.loads


class BundleRefused(TownDeskError):
    """A bundle (or registration file) that is not imported; ``reason`` says why, in Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def record_file(table: str) -> str:
    return f"{RECORDS}{table}.jsonl"


def sign(key: bytes, data: bytes) -> str:
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def _json_default(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to a bundle")


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default)


def dumps(value) -> str:
    return _ENCODER.encode(value)


@dataclass
class Manifest:
    """What a bundle says about itself (read_manifest verifies nothing)."""

    bundle_id: str
    source: str
    source_name: str
    target: str
    seq: int
    since: datetime | None
    until: datetime | None
    created_at: datetime | None
    created_by: str
    schema_version: int
    app_version: str
    counts: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    format_version: int = FORMAT_VERSION
    acked: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @classmethod
    def parse(cls, data: bytes) -> "Manifest":
        try:
            raw = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise BundleRefused("数据包的清单（manifest.json）无法读取：文件已损坏或不是 TownDesk 数据交换包。") from None
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise BundleRefused("文件不是 TownDesk 数据交换包（清单中的格式标识不符）。")
        version = raw.get("format_version")
        if version != FORMAT_VERSION:
            raise BundleRefused(f"数据包格式为第{version}版，本程序只能读取第{FORMAT_VERSION}版：请用与对方相同版本的 TownDesk。")
        try:
            span = raw.get("range") or {}
            counts = {str(k): int(v) for k, v in (raw.get("counts") or {}).items()}
            files = {str(k): {"sha256": str(v["sha256"]), "size": int(v["size"])}
                     for k, v in (raw.get("files") or {}).items()}
            return cls(
                bundle_id=str(raw["bundle_id"]), source=str(raw["source"]), source_name=str(raw.get("source_name", "")),
                target=str(raw["target"]), seq=int(raw["seq"]), since=_time(span.get("since")),
                until=_time(span.get("until")), created_at=_time(raw.get("created_at")),
                created_by=str(raw.get("created_by", "")), schema_version=int(raw["schema_version"]),
                app_version=str(raw.get("app_version", "")), counts=counts, files=files, format_version=version,
                acked=int(raw.get("acked") or 0))
        except (KeyError, TypeError, ValueError, AttributeError):
            raise BundleRefused("数据包的清单（manifest.json）缺少必需的内容或格式不对：文件已损坏或被改动。") from None

    def as_json(self) -> dict:
        iso = lambda t: t.isoformat() if t else None  # noqa: E731
        return {"format": FORMAT, "format_version": self.format_version, "bundle_id": self.bundle_id,
                "source": self.source, "source_name": self.source_name, "target": self.target, "seq": self.seq,
                "range": {"since": iso(self.since), "until": iso(self.until)}, "created_at": iso(self.created_at),
                "created_by": self.created_by, "schema_version": self.schema_version,
                "app_version": self.app_version, "counts": self.counts, "files": self.files, "acked": self.acked}


def _time(text):
    return None if text in (None, "") else datetime.fromisoformat(text)


# --------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------

class BundleWriter:
    """Writes a bundle into an open binary file: ``add(table, rows)`` per table, then ``finish``."""

    def __init__(self, fh, compresslevel: int = 1):
        # level 1: a third faster than the default for JSON lines, about 10 % larger
        self.zip = zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self.files: dict[str, dict] = {}
        self.counts: dict[str, int] = {}

    def add(self, table: str, rows) -> int:
        """Write ``rows`` (JSON-ready dicts) as records/<table>.jsonl; nothing is written for no rows."""
        name = record_file(table)
        digest, size, count = hashlib.sha256(), 0, 0
        member = None
        lines: list[str] = []
        pending = 0
        encode = _ENCODER.encode

        def flush():
            nonlocal size
            data = "".join(lines).encode("utf-8")
            member.write(data)
            digest.update(data)
            size += len(data)
            lines.clear()

        try:
            for row in rows:
                if member is None:
                    member = self.zip.open(name, "w")
                line = encode(row) + "\n"
                lines.append(line)
                pending += len(line)
                count += 1
                if pending > 1 << 18:
                    flush()
                    pending = 0
            if lines:
                flush()
        finally:
            if member is not None:
                member.close()
        if count:
            self.files[name] = {"sha256": digest.hexdigest(), "size": size}
            self.counts[table] = self.counts.get(table, 0) + count
        return count

    def finish(self, manifest: Manifest, key: bytes) -> bytes:
        manifest.counts, manifest.files = dict(self.counts), dict(self.files)
        data = json.dumps(manifest.as_json(), ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        self.zip.writestr(MANIFEST, data)
        self.zip.writestr(SIGNATURE, sign(key, data))
        self.zip.close()
        return data


# --------------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------------

def _open_zip(data: bytes, name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise BundleRefused(f"{name} 不是 TownDesk 数据交换包，或文件不完整（可能在复制时被截断）。") from None


def _member(archive: zipfile.ZipFile, member: str, name: str) -> bytes:
    try:
        return archive.read(member)
    except KeyError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise BundleRefused(f"{name} 已损坏：其中的 {member} 无法读取（文件可能不完整或被改动）。") from None


def _load_manifest(archive: zipfile.ZipFile, name: str) -> tuple[Manifest, bytes]:
    try:
        data = _member(archive, MANIFEST, name)
    except KeyError:
        raise BundleRefused(f"{name} 中缺少清单（manifest.json）：不是 TownDesk 数据交换包。") from None
    return Manifest.parse(data), data


def read_manifest(path) -> Manifest:
    """What a file says it is, to show before importing. Verifies nothing; BundleRefused when unreadable."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BundleRefused(f"无法读取文件 {path}：{exc.strerror or exc}") from None
    with _open_zip(data, path.name) as archive:
        return _load_manifest(archive, path.name)[0]


class OpenedBundle:
    """A bundle read into memory. ``check_signature(key)`` and ``check_files(known_tables)`` verify it;
    ``rows(table)`` yields its rows as dicts."""

    def __init__(self, path):
        self.path = Path(path)
        self.name = self.path.name
        try:
            self.data = self.path.read_bytes()
        except OSError as exc:
            raise BundleRefused(f"无法读取文件 {self.path}：{exc.strerror or exc}") from None
        self.archive = _open_zip(self.data, self.name)
        self.manifest, self.manifest_bytes = _load_manifest(self.archive, self.name)
        self._checked: dict[str, bytes] = {}     # data files as check_files read them, while they fit in KEEP

    def close(self) -> None:
        self.archive.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def check_signature(self, key: bytes, source: str) -> None:
        try:
            signature = _member(self.archive, SIGNATURE, self.name).decode("ascii").strip()
        except KeyError:
            raise BundleRefused("数据包没有签名：不是由已登记的站点导出的，或签名已被删除。") from None
        except UnicodeDecodeError:
            signature = ""
        if not hmac.compare_digest(signature, sign(key, self.manifest_bytes)):
            raise BundleRefused(f"数据包签名不符：文件在导出后被改动过，或不是站点 {source} 用本机登记的密钥导出的。")

    def check_files(self, known_tables) -> None:
        """Every data file present, listed, of the listed size and SHA-256, and of a known table."""
        listed = self.manifest.files
        for info in self.archive.infolist():
            if info.filename not in (MANIFEST, SIGNATURE) and info.filename not in listed:
                raise BundleRefused(f"数据包中有清单未列出的文件 {info.filename}：文件被改动过。")
        for table, count in self.manifest.counts.items():
            if table not in known_tables:
                raise BundleRefused(f"数据包中有本机不认识的数据表 {table}。")
            if count and record_file(table) not in listed:
                raise BundleRefused(f"数据包清单中的数据表 {table} 没有对应的文件：文件被改动过。")
        for member, expected in listed.items():
            try:
                data = _member(self.archive, member, self.name)
            except KeyError:
                raise BundleRefused(f"数据包中缺少 {member}（清单中列有此文件）：文件不完整或被改动。") from None
            if len(data) != expected["size"] or hashlib.sha256(data).hexdigest() != expected["sha256"]:
                raise BundleRefused(f"数据包中的 {member} 与清单不符：内容被改动或已损坏。")
            table = member[len(RECORDS):-len(".jsonl")] if member.startswith(RECORDS) else None
            if table not in known_tables:
                raise BundleRefused(f"数据包中有本机不认识的文件 {member}。")
            if data.count(b"\n") != self.manifest.counts.get(table, -1):
                raise BundleRefused(f"数据包中 {member} 的记录条数与清单不符：文件被改动过。")
            if sum(map(len, self._checked.values())) + len(data) <= KEEP:
                self._checked[member] = data

    def rows(self, table: str):
        """The rows of one table (after check_files), as dicts."""
        member = record_file(table)
        if member not in self.manifest.files:
            return
        data = self._checked.pop(member, None)
        if data is None:      # read again from the file's bytes held in memory: what check_files verified
            data = self.archive.read(member)
        lines = data.decode("utf-8").splitlines()
        for start in range(0, len(lines), ROWS_PER_PARSE):
            part = lines[start:start + ROWS_PER_PARSE]
            try:     # one parse for many lines (the exporter writes one object per line, no line breaks inside)
                rows = json.loads("[" + ",".join(part) + "]")
            except ValueError:
                rows = None
            if rows is None or len(rows) != len(part) or not all(type(row) is dict for row in rows):
                rows = [self._row(member, number, line) for number, line in enumerate(part, start=start + 1)]
            yield from rows

    @staticmethod
    def _row(member: str, number: int, line: str) -> dict:
        """One line read alone: the message that names the line that cannot be read."""
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise BundleRefused(f"数据包中 {member} 第{number}行无法读取（{exc}）。") from None
        if not isinstance(row, dict):
            raise BundleRefused(f"数据包中 {member} 第{number}行不是一条记录。")
        return row
