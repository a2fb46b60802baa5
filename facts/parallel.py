"""Work on every core for the import: ``fork_map(fn, items)`` runs ``fn(items[0])`` in this process
and each other item in a forked child process, and returns the results in order.

The children inherit what the parent has loaded (a parsed CSV, a sheet's XML), so only the results
travel, pickled through a pipe. A child touches nothing of the parent's: no database connection
(the import opens its session after reading), no file the parent writes; it leaves with
``os._exit``, running no clean-up of objects it shares with the parent. An exception in a child is
a bug: it comes back as the child's traceback and is raised here.
"""
from __future__ import annotations

import os
import pickle
import signal
import traceback
from typing import Any, Callable, Sequence

from facts.errors import NinteiError


def workers() -> int:
    """How many processes an import may use: ``$NINTEI_WORKERS``, else the cores this process may
    run on."""
    env = os.environ.get("NINTEI_WORKERS", "").strip()
    if env:
        if not env.isdigit() or int(env) < 1:
            raise NinteiError(f"NINTEI_WORKERS='{env}' は1以上の整数ではありません（処理に使うプロセス数）")
        return int(env)
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return hasattr(os, "fork")


def fork_map(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """``[fn(item) for item in items]``, the items after the first in forked children (here too
    when the system refuses another process)."""
    children: list[tuple[int, int] | None] = []  # (pid, read end of its pipe); None: done here
    try:
        for index in range(1, len(items)):
            read_end, write_end = os.pipe()
            try:
                pid = os.fork()
            except OSError:  # no more processes (a limit, memory): this item is done here
                os.close(read_end)
                os.close(write_end)
                children.append(None)
                continue
            if pid == 0:  # the child
                os.close(read_end)
                _child(fn, items[index], write_end)
            os.close(write_end)
            children.append((pid, read_end))
        results = [fn(items[0])] if items else []
        while children:
            child = children.pop(0)
            results.append(fn(items[len(results)]) if child is None else _collect(*child))
        return results
    finally:  # interrupted or failed here: the children are not left behind
        for pid, read_end in filter(None, children):
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            os.close(read_end)


def _child(fn: Callable[[Any], Any], item: Any, write_end: int) -> None:
    status = 1
    try:
        try:
            data = pickle.dumps(("ok", fn(item)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - sent to the parent, which raises it
            data = pickle.dumps(("error", traceback.format_exc()), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as out:
            out.write(data)
        status = 0
    finally:
        os._exit(status)


def _collect(pid: int, read_end: int) -> Any:
    """The child's result (it is reaped, its pipe closed, whatever happens)."""
    chunks = []
    try:
        with os.fdopen(read_end, "rb") as src:
            while chunk := src.read(1 << 20):
                chunks.append(chunk)
    finally:
        _, status = os.waitpid(pid, 0)
    if not chunks:
        raise RuntimeError(f"取り込みの子プロセス {pid} が結果を返さずに終わりました (終了状態 {status})")
    kind, value = pickle.loads(b"".join(chunks))
    if kind == "error":
        raise RuntimeError(f"取り込みの子プロセスで例外が起きました:\n{value}")
    return value
