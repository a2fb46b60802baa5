"""cli.py without the engine: help texts, usage errors, the fiscal-year parameter type."""
from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

import cli

COMMANDS = [[], ["import"], ["review"], ["explain"], ["check"], ["rules"], ["rules", "list"],
            ["rules", "show"], ["rules", "lint"]]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "main")
def test_help_exits_0_and_shows_an_example(runner, command):
    result = runner.invoke(cli.main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "例:" in result.output
    assert "nintei " + " ".join(command) in result.output


@pytest.mark.parametrize("command", [["review"], ["explain", "A001"]])
def test_bad_fiscal_year_is_a_usage_error(runner, command, tmp_path):
    result = runner.invoke(cli.main, [*command, "--policy", "moka", "--fiscal-year", "来年",
                                      "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 2, result.output
    assert "来年" in result.output


def test_missing_policy_is_a_usage_error(runner):
    assert runner.invoke(cli.main, ["review", "--fiscal-year", "2025"]).exit_code == 2


@pytest.mark.parametrize("text", ["2025", "R7", "令和7", "令和7年度", "Ｒ７"])
def test_fiscal_year_forms(text):
    assert cli.FISCAL_YEAR.convert(text, None, None) == 2025


def test_fiscal_year_type_refuses_nonsense():
    with pytest.raises(click.BadParameter):
        cli.FISCAL_YEAR.convert("令和7月", None, None)


def test_db_option_is_shared_by_group_and_command(runner, monkeypatch):
    seen = {}

    @cli.main.command("_probe", hidden=True)
    @cli.db_option
    @click.pass_context
    def probe(ctx):
        seen["db"] = ctx.find_object(cli.Settings).db_url

    try:
        monkeypatch.delenv("NINTEI_DB", raising=False)
        assert runner.invoke(cli.main, ["--db", "sqlite:///a.db", "_probe"]).exit_code == 0
        assert seen["db"] == "sqlite:///a.db"
        assert runner.invoke(cli.main, ["_probe", "--db", "sqlite:///b.db"]).exit_code == 0
        assert seen["db"] == "sqlite:///b.db"
        monkeypatch.setenv("NINTEI_DB", "sqlite:///env.db")
        assert runner.invoke(cli.main, ["_probe"]).exit_code == 0
        assert seen["db"] == "sqlite:///env.db"
    finally:
        cli.main.commands.pop("_probe")


def test_nintei_errors_exit_1_with_their_lines(runner):
    from engine.errors import FactError, Problem

    @cli.main.command("_fail", hidden=True)
    def fail():
        raise FactError([Problem("evaluations.csv:3", "7.5 is above the maximum 5.0", "score")])

    try:
        result = runner.invoke(cli.main, ["_fail"])
    finally:
        cli.main.commands.pop("_fail")
    assert result.exit_code == 1
    assert "evaluations.csv:3: score: 7.5 is above the maximum 5.0" in result.output


def test_review_shows_a_progress_bar_on_a_terminal(tmp_path):
    """On a terminal (stderr a tty) the review draws a progress bar '審査中 … n/N' on stderr; piped,
    stderr carries no progress (so scripts read clean output)."""
    import os
    import pty
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    args = [sys.executable, str(root / "cli.py"), "--db", f"sqlite:///{tmp_path}/n.db", "review", "--policy", "moka",
            "--fiscal-year", "2025", "--facts", str(root / "facts" / "samples" / "moka"), "--format", "csv"]
    master, slave = pty.openpty()
    run = subprocess.run(args, stdout=subprocess.PIPE, stderr=slave, cwd=root, timeout=120,
                         env=dict(os.environ, COLUMNS="100", TERM="xterm"))
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    terminal = b"".join(chunks).decode("utf-8", "replace")
    assert run.returncode == 0
    assert "審査中" in terminal and "30/30" in terminal
    piped = subprocess.run(args, capture_output=True, cwd=root, timeout=120, text=True)
    assert piped.returncode == 0 and "審査中" not in piped.stderr
