"""数据交换 (issue 7): village posts and the town hall exchange signed bundle files (.tdsync).

The hall registers each post (``register_post`` → a .tdkey registration file); the post ``join``s with
it. Then either side ``export_bundle``s what the other has not seen and the other ``import_bundle``s it:
one transaction, idempotent, refusing tampered, truncated, foreign, replayed or incomplete bundles with
a Chinese reason and nothing written. Records changed on both sides become ``conflicts`` for the admin to
``resolve``. Every operation needs the "sync.manage" permission (except listing ``peers``).

Modules: tables (local bookkeeping, schema step 7), catalog (what travels), bundle (the file),
peers (registration), exchange (export, import, history), conflicts.
"""

from models.sync.bundle import FORMAT, SUFFIX, BundleRefused, Manifest, read_manifest
from models.sync.catalog import label as table_label
from models.sync.conflicts import conflicts, resolve
from models.sync.exchange import (
    COUNT_KEYS, ExportResult, ImportResult, export_bundle, history, import_bundle, summary,
)
from models.sync.peers import KEY_SUFFIX, MANAGE, join, key_file_again, peers, register_post
from models.sync.tables import (
    KEEP_INCOMING, KEEP_LOCAL, RESOLUTIONS, SyncConflict as Conflict, SyncExchange as Exchange,
    SyncPeer as Peer,
)

__all__ = [
    "register_post", "key_file_again", "join", "peers", "export_bundle", "import_bundle", "read_manifest", "history", "conflicts",
    "resolve", "ExportResult", "ImportResult", "Manifest", "Exchange", "Conflict", "Peer", "BundleRefused",
    "FORMAT", "SUFFIX", "KEY_SUFFIX", "MANAGE", "COUNT_KEYS", "KEEP_LOCAL", "KEEP_INCOMING", "RESOLUTIONS",
    "table_label", "summary",
]
