"""What nintei wrote into an output folder, so that the next run into it replaces exactly that.

``nintei certificate`` run again into the same folder must leave the folder as this run made it:
the certificate of a grant since revoked, or that a re-review no longer makes, must not stay
behind. The folder is the clerk's, though, and may hold anything else; so nintei removes only
what it can show it wrote:

- each run writes a manifest into the folder (``.nintei-certificates.json``): the name and
  sha256 of every file it wrote;
- the next run reads it first, and after writing its own files removes each file the earlier
  manifest lists that this run did not write again, if it still holds what nintei wrote there
  (same sha256; a file a stopped run named but never hashed counts as written) and its name is
  one nintei gives (``ours``); nothing else is ever removed;
- before writing anything, a run refuses (``NinteiError``, exit 1, naming the files) when the
  folder holds a file whose name is one nintei gives but that no manifest lists, or that a
  manifest lists but whose content has changed since: someone else's file, or one of an older
  nintei, which the clerk moves away or deletes by hand. Without a manifest and without such
  files (a new folder) the run simply writes.

The manifest is rewritten before the files are written (listing the earlier files and the new
ones) and again when the run is done (the new ones only): a run that stops half-way leaves
every file it wrote listed, so the next run is not refused for them.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import NinteiError


@dataclass
class Manifest:
    folder: Path
    name: str  # the manifest's file name, e.g. .nintei-certificates.json
    ours: re.Pattern[str]  # the names nintei gives the files it writes there
    earlier: dict[str, str] = field(default_factory=dict)  # file name -> sha256, as the earlier run wrote it

    @property
    def path(self) -> Path:
        return self.folder / self.name


def claim(folder: Path, name: str, ours: re.Pattern[str]) -> Manifest:
    """The folder's earlier manifest, read and checked against the folder; NinteiError naming
    every file that looks like nintei's but that nintei cannot show it wrote."""
    manifest = Manifest(folder, name, ours, _read(folder / name))
    strangers = []
    try:
        paths = sorted(folder.iterdir())
    except OSError as err:
        raise NinteiError(f"{folder} を読めません: {err.strerror or err}")
    for path in paths:
        if not ours.fullmatch(path.name) or not path.is_file():
            continue
        recorded = manifest.earlier.get(path.name)
        if recorded is None:
            strangers.append(f"{path}: 以前の実行の記録（{name}）にないファイルです")
        elif recorded and recorded != sha256(path):  # "": named by a run that stopped before hashing it
            strangers.append(f"{path}: nintei が書いたあとで内容が変わっています")
    if strangers:
        raise NinteiError(
            [*strangers, f"{folder} には nintei が書いたと確かめられないファイルがあるため、何も書かず何も消していません。"
                         "これらのファイルを別のフォルダに移すか消してから、もう一度実行してください（または新しいフォルダを"
                         "--out に指定してください）。"])
    return manifest


def begin(manifest: Manifest, names: list[str]) -> None:
    """Before writing: the manifest lists the earlier files and the ones about to be written (not
    yet hashed), so that a run stopped half-way is not refused next time."""
    listed = dict(manifest.earlier)
    listed.update({n: "" for n in names if n not in listed})
    _write(manifest.path, listed)


def finish(manifest: Manifest, written: list[Path]) -> list[Path]:
    """After writing: removes the earlier run's files this run did not write again (see the
    module's docstring), records this run's files, and returns what it removed."""
    now = {p.name: sha256(p) for p in written}
    removed = []
    for file, recorded in manifest.earlier.items():
        path = manifest.folder / file
        if file in now or not _plain_name(file) or not manifest.ours.fullmatch(file):
            continue
        if path.is_file() and not path.is_symlink() and (not recorded or sha256(path) == recorded):
            path.unlink()
            removed.append(path)
    if now:
        _write(manifest.path, now)
    else:
        manifest.path.unlink(missing_ok=True)
    return removed


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _plain_name(file: str) -> bool:
    """A name within the folder: no separator, not . or .. (a hand-edited manifest cannot reach out)."""
    return bool(file) and file not in (".", "..") and "/" not in file and "\\" not in file and "\x00" not in file


def _read(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
            raise ValueError("files")
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise NinteiError(f"{path}: nintei の書き出しの記録として読めません（{err}）。このファイルを消すか、新しいフォルダを "
                          "--out に指定してください。") from None
    return {k: v for k, v in files.items() if _plain_name(k)}


def _write(path: Path, files: dict[str, str]) -> None:
    """Written beside and moved into place: never half a manifest."""
    text = json.dumps({"written_by": "nintei", "files": dict(sorted(files.items()))}, ensure_ascii=False, indent=1)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".nintei-", suffix=".json", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        os.replace(tmp, path)
    except OSError as err:
        raise NinteiError(f"{path} に書き出せません: {err.strerror or err}")
