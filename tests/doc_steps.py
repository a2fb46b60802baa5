"""A walkthrough in docs/ run as written: every ``console`` block's ``$`` lines are commands (run by
bash in a fresh folder, one database throughout, ``nintei`` on the PATH, the repository as
``$NINTEI_HOME``), and the lines under each are what it must print, in that order (``…`` stands
for anything: times, hashes, user names). A command whose expected lines start with ``(終了コード 1)``
must exit 1; every other must exit 0."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAILS = "(終了コード 1)"


def steps(text: str) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                out.append((line[2:], []))
            elif line.strip() and out:
                out[-1][1].append(line.rstrip())
    return out


def _matches(expected: list[str], printed: list[str]) -> str | None:
    """None when each expected line matches a printed line, in order; else the first that does not."""
    i = 0
    for want in expected:
        pattern = re.compile("^" + ".*".join(re.escape(p) for p in want.strip().split("…")) + "$")
        while i < len(printed) and not pattern.match(printed[i].strip()):
            i += 1
        if i == len(printed):
            return want
        i += 1
    return None


def run_walkthrough(doc: Path, folder: Path, user: str, at_least: int) -> None:
    env = {**os.environ, "NINTEI_HOME": str(ROOT), "NINTEI_USER": user,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("NINTEI_DB", None)
    env.pop("NINTEI_RULES_DIR", None)
    all_steps = steps(doc.read_text(encoding="utf-8"))
    assert len(all_steps) >= at_least
    for command, expected in all_steps:
        code = 1 if expected and expected[0].strip() == FAILS else 0
        done = subprocess.run(["bash", "-c", command], cwd=folder, env=env, capture_output=True, text=True,
                              timeout=300)
        printed = (done.stdout + done.stderr).splitlines()
        assert done.returncode == code, f"$ {command}\nexit {done.returncode}\n{done.stdout}{done.stderr}"
        missing = _matches([e for e in expected if e.strip() != FAILS], printed)
        assert missing is None, f"$ {command}\nexpected: {missing}\nprinted:\n" + "\n".join(printed)
        assert "Traceback" not in done.stderr
