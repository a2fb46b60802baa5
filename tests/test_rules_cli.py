"""`rules show` (a policy as readable criteria) and `rules lint` (static checks, file:line:col)."""
import re
from pathlib import Path

from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = re.findall(r"```yaml\n(.*?)```", (ROOT / "docs" / "rules.md").read_text(encoding="utf-8"), re.S)[0]


def test_show_renders_the_skill_map_row_by_row_for_the_role():
    r = CliRunner().invoke(main, ["rules", "show", "oyama", "--fiscal-year", "令和7年度"])
    assert r.exit_code == 0, r.output
    general = r.output.split("- 一般職員として", 1)[1].split("- 係長級職員として", 1)[0]
    assert "「IT」が b（活用）以上" in general and "「マネジメント」" not in general  # '-' in the map: not required
    assert "所属名 ∈ 情報部門の所属名 [情報政策課, DX推進室]（$info_departments）" in r.output
    assert "■ ITパスポート試験相当 (it_literacy) — 毎年判定" in r.output


def test_show_uses_the_parameter_values_in_force_in_the_year(tmp_path, monkeypatch):
    (tmp_path / "example.yaml").write_text(EXAMPLE, encoding="utf-8")
    monkeypatch.setenv("NINTEI_RULES_DIR", str(tmp_path))
    r7 = CliRunner().invoke(main, ["rules", "show", "example", "-y", "2025"])
    r8 = CliRunner().invoke(main, ["rules", "show", "example", "-y", "R8", "--lang", "en"])
    assert r7.exit_code == 0 and "報告会評価 ≥ 報告会評価の基準点 3.5（$report_threshold）" in r7.output
    assert r8.exit_code == 0 and "report threshold 4.0 ($report_threshold, since FY2026)" in r8.output


def test_lint_passes_the_bundled_rule_files():
    r = CliRunner().invoke(main, ["rules", "lint", "--strict"])
    assert r.exit_code == 0, r.output
    assert "問題はありません" in r.output


def test_lint_locates_errors_and_warnings(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.replace("validity: permanent", "validity: forever"), encoding="utf-8")
    warn = tmp_path / "warn.yaml"
    warn.write_text(EXAMPLE.replace("policy:\n  id: example", "policy:\n  id: warned"), encoding="utf-8")
    r = CliRunner().invoke(main, ["rules", "lint", str(bad)])
    assert r.exit_code == 1
    assert re.search(r"bad\.yaml:\d+:\d+: error: certification 'member': validity must be permanent or yearly", r.output)
    r = CliRunner().invoke(main, ["rules", "lint", str(warn)])
    assert r.exit_code == 0
    assert re.search(r"warn\.yaml:\d+:\d+: warning: parameter 'report_threshold' quotes no sentence", r.output)
    assert re.search(r"warn\.yaml:\d+:\d+: warning: condition 'member' has no 'text'", r.output)
    assert CliRunner().invoke(main, ["rules", "lint", "--strict", str(warn)]).exit_code == 1


def test_lint_warns_of_appointments_of_an_unknown_certification_or_role(tmp_path):
    text = (Path(__file__).resolve().parent.parent / "rules" / "tarumizu.yaml").read_text(encoding="utf-8")
    wrong = "appointments: {dx_leader_candidat: dx_leader, dx_promoter_candidate: dx_promotr}"
    assert "appointments: {dx_leader_candidate: dx_leader, dx_promoter_candidate: dx_promoter}" in text
    path = tmp_path / "tarumizu.yaml"
    path.write_text(re.sub(r"appointments: \{[^}]*\}", wrong, text), encoding="utf-8")
    r = CliRunner().invoke(main, ["rules", "lint", str(path)])
    assert "warning: appointments for unknown certification 'dx_leader_candidat'" in r.output
    assert "warning: appointments of unknown role 'dx_promotr'" in r.output


def test_show_renders_every_policy_in_every_year_and_language():
    from engine.rulebook import load_rulebook

    policies = load_rulebook().policies
    assert "goka" in policies  # its named at_least of conditions (level1_evidence) once crashed show
    for policy in policies.values():
        for year in ("2023", "2024", "2025", "2026"):
            for lang in ("ja", "en"):
                r = CliRunner().invoke(main, ["rules", "show", policy.id, "-y", year, "--lang", lang])
                assert r.exit_code == 0, (policy.id, year, lang, r.output, r.exception)
                for cert in policy.certifications:
                    label = (cert.label.en or cert.label.ja) if lang == "en" else cert.label.ja
                    assert f"■ {label} ({cert.id}) — " in r.output, (policy.id, year, lang, cert.id)


def test_show_writes_out_a_named_at_least_of_conditions_where_it_is_used():
    r = CliRunner().invoke(main, ["rules", "show", "goka", "-y", "2025"])
    assert r.exit_code == 0, r.output
    learning = r.output.split("- 研修に参加した、または自学した記録がある\n", 1)[1].split("\n\n", 1)[0]
    assert learning.splitlines()[0].strip() == "1 個以上:"
    assert "- 研修を修了した記録がある" in learning and "活動: 活動区分 = self_study" in learning
