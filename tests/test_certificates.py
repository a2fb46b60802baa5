"""`nintei certificate`: one 認定証 per certification the review granted, as HTML and PDF, checked
in a real headless Chromium and with pypdf. Which certificates there must be is worked out from
tests/data/<policy>_samples_expected.csv (tests/granted_samples.py). The PDFs and a screenshot are
kept in test-artifacts/ for a person to look at."""
from __future__ import annotations

import re
import shutil
from html import escape
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from browser import ARTIFACTS, has_ink, png_pixels, run
from cli import main
from granted_samples import POLICIES, ROOT, criterion, expected_grants, label, review_samples, run_ledger_hash

HOSTILE = "<script>document.title='pwned'</script>"
FORMULA = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    return {p: review_samples(p, tmp_path_factory.mktemp(p)) for p in POLICIES}


def certificate(db: str, out: Path, *args: str, env: dict | None = None):
    return CliRunner().invoke(main, ["--db", db, "certificate", *args, "--out", str(out)], env=env)


@pytest.mark.parametrize("policy", POLICIES)
def test_one_certificate_per_grant_in_html_and_pdf(reviewed, policy, tmp_path):
    r = certificate(reviewed[policy], tmp_path, "--policy", policy, "--fiscal-year", "令和7年度")
    assert r.exit_code == 0, r.output
    grants = expected_grants(policy)
    assert grants, "the samples grant something"
    names = {f"認定証_{staff}_{label(policy, cert)}" for staff, cert in grants}
    assert {p.stem for p in tmp_path.glob("認定証_*.html") if "全件" not in p.name} == names
    assert {p.stem for p in tmp_path.glob("認定証_*.pdf") if "全件" not in p.name} == names

    everything = tmp_path / f"認定証_{policy}_2025_全件.pdf"
    pages = PdfReader(everything).pages
    assert len(pages) == len(grants)  # one A4 page per certificate
    for page in pages:
        assert abs(float(page.mediabox.width) - 595.3) < 1.5 and abs(float(page.mediabox.height) - 841.9) < 1.5
    for name in names:
        assert len(PdfReader(tmp_path / f"{name}.pdf").pages) == 1

    run_id, ledger_hash = run_ledger_hash(reviewed[policy])
    number = re.compile(rf"第 {policy.upper()}-2025-(\w+)-(\d+) 号")
    for staff, cert in grants:
        page = (tmp_path / f"認定証_{staff}_{label(policy, cert)}.html").read_text(encoding="utf-8")
        assert number.search(page).groups() == (cert, staff)
        assert "<h1>認定証</h1>" in page and "に認定します。" in page
        assert f"「{escape(criterion(policy, cert))}」" in page
        assert re.search(r'<p class="date">令和\d+年\d+月\d+日</p>', page)
        assert f"台帳ハッシュ <code>{ledger_hash}</code>" in page and f"審査の実行番号 <code>{run_id}</code>" in page
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing fetched
        assert "@import" not in page and "<link" not in page
    text = " ".join(p.extract_text() for p in pages)
    assert "認定証" in text.replace(" ", "")  # the PDF holds the text, with a Japanese font


def test_issuer_validity_and_date_come_from_the_rule_file_and_the_review(reviewed, tmp_path):
    # oyama's it_literacy is yearly: valid to the end of the fiscal year
    staff, cert = sorted((s, c) for s, c in expected_grants("oyama") if c == "it_literacy")[0]
    r = certificate(reviewed["oyama"], tmp_path, "-p", "oyama", "-y", "2025", "--staff", staff)
    assert r.exit_code == 0, r.output
    page = (tmp_path / f"認定証_{staff}_{label('oyama', cert)}.html").read_text(encoding="utf-8")
    assert "<span>小山市長</span>" in page
    assert "令和8年3月31日まで（令和7年度）" in page
    assert not list(tmp_path.glob("*全件*"))  # one staff member's: no file of all
    # moka's are permanent
    r = certificate(reviewed["moka"], tmp_path, "-p", "moka", "-y", "2025", "--staff", "11002", "--no-pdf")
    assert r.exit_code == 0, r.output
    page = (tmp_path / "認定証_11002_DXエキスパート.html").read_text(encoding="utf-8")
    assert "<span>真岡市長</span>" in page and "<td>無期限</td>" in page
    assert not list(tmp_path.glob("認定証_11002_*.pdf"))


def test_a_certificate_in_chromium_is_an_a4_page_with_ink_and_escaped_text(reviewed):
    from engine.certificate import render_html
    from engine.grants import granted
    from facts.db import get_engine

    review = granted(get_engine(reviewed["moka"]), "moka", 2025, staff_id="11003")
    grants = [g.__class__(g.decision.model_copy(update={"staff_name": HOSTILE, "department": FORMULA}),
                          g.granted_at, g.by_override, g.judgement_hash) if i == 0 else g
              for i, g in enumerate(review.grants)]
    html = render_html(review, grants)
    assert HOSTILE not in html and "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in html
    assert "=HYPERLINK(&quot;http://evil.example&quot;,&quot;x&quot;)" in html

    ARTIFACTS.mkdir(exist_ok=True)
    page = ARTIFACTS / "certificate-11003.html"
    page.write_text(html, encoding="utf-8")
    png, pdf = ARTIFACTS / "certificate-11003.png", ARTIFACTS / "certificate-11003.pdf"
    for f in (png, pdf):
        f.unlink(missing_ok=True)
    r = run("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert pdf.exists(), r.stderr
    assert len(PdfReader(pdf).pages) == len(grants) == 3
    r = run("--window-size=794,1123", f"--screenshot={png}", page.as_uri())
    assert png.exists(), r.stderr
    assert png_pixels(png)[:2] == (794, 1123)
    assert has_ink(png), "the screenshot is blank"
    dom = run("--dump-dom", page.as_uri()).stdout
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom and "<title>pwned</title>" not in dom


def test_an_override_grants_and_a_revocation_takes_away(reviewed, tmp_path):
    db = f"sqlite:///{tmp_path / 'o.db'}"
    shutil.copy(reviewed["moka"].removeprefix("sqlite:///"), tmp_path / "o.db")
    runner = CliRunner()
    r = runner.invoke(main, ["--db", db, "override", "11002", "-p", "moka", "-y", "2025", "-c", "dx_specialist",
                             "--outcome", "certified", "--reason", "審査会の判断", "--by", "審査委員長"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["--db", db, "revoke", "11003", "-p", "moka", "-c", "dx_advisor", "--reason", "誤認定"])
    assert r.exit_code == 0, r.output
    out = tmp_path / "out"
    out.mkdir()
    r = certificate(db, out, "-p", "moka", "-y", "2025", "--no-pdf")
    assert r.exit_code == 0, r.output
    names = {p.stem for p in out.glob("*.html") if "全件" not in p.name}
    expected = {f"認定証_{s}_{label('moka', c)}" for s, c in expected_grants("moka")}
    assert names == expected - {"認定証_11003_DXアドバイザー"} | {"認定証_11002_DXスペシャリスト"}
    page = (out / "認定証_11002_DXスペシャリスト.html").read_text(encoding="utf-8")
    assert "審査者 審査委員長 の判断による認定（審査会の判断）" in page


def test_the_same_number_every_time(reviewed, tmp_path):
    first, second = tmp_path / "1", tmp_path / "2"
    for out in (first, second):
        out.mkdir()
        r = certificate(reviewed["tarumizu"], out, "-p", "tarumizu", "-y", "2025", "--no-pdf")
        assert r.exit_code == 0, r.output
    numbers = [sorted(re.findall(r"第 (\S+) 号", (d / "認定証_tarumizu_2025_全件.html").read_text("utf-8")))
               for d in (first, second)]
    assert numbers[0] == numbers[1] and len(set(numbers[0])) == len(numbers[0]) == len(expected_grants("tarumizu"))


def test_without_chromium_the_html_is_written_and_exit_is_1(reviewed, tmp_path):
    r = certificate(reviewed["moka"], tmp_path, "-p", "moka", "-y", "2025", env={"NINTEI_CHROMIUM": "/no/such/chromium"})
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "PDF は作れませんでした" in r.output and "Chromium" in r.output
    assert len(list(tmp_path.glob("*.html"))) == len(expected_grants("moka")) + 1
    assert not list(tmp_path.glob("*.pdf"))


@pytest.mark.parametrize("args,message", [
    (["-p", "moka", "-y", "2024"], "2024年度の審査結果がありません"),
    (["-p", "nosuch", "-y", "2025"], "方針 'nosuch' はありません"),
    (["-p", "moka", "-y", "2025", "--staff", "99999"], "職員 99999 の判定は"),
])
def test_clear_errors_never_a_traceback(reviewed, tmp_path, args, message):
    r = certificate(reviewed["moka"], tmp_path, *args)
    assert r.exit_code == 1, r.output
    assert message in r.output and "Traceback" not in r.output
    assert not list(tmp_path.iterdir())


def test_a_staff_member_granted_nothing_gets_no_certificate(reviewed, tmp_path):
    r = certificate(reviewed["moka"], tmp_path, "-p", "moka", "-y", "2025", "--staff", "11001")  # all held
    assert r.exit_code == 0 and "新たに認定された区分はありません" in r.output
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("command", ["certificate", "badges"])
def test_out_must_be_an_existing_folder_before_any_work(tmp_path, command):
    db = tmp_path / "never.db"
    r = CliRunner().invoke(main, ["--db", f"sqlite:///{db}", command, "-p", "moka", "-y", "2025",
                                  "--out", str(tmp_path / "no" / "such")])
    assert r.exit_code == 2 and "フォルダがありません" in r.output and "Traceback" not in r.output
    assert not db.exists()  # refused before the database was even opened
    (tmp_path / "file.txt").write_text("x")
    r = CliRunner().invoke(main, ["--db", f"sqlite:///{db}", command, "-p", "moka", "-y", "2025",
                                  "--out", str(tmp_path / "file.txt")])
    assert r.exit_code == 2 and "ファイルです" in r.output


# --- the rule file's certificate section ----------------------------------------------------------------

def _rule_file(tmp_path: Path, certificate: str) -> Path:
    """moka's rule file with another ``certificate:`` section (at its end, as in rules/)."""
    text = (ROOT / "rules" / "moka.yaml").read_text(encoding="utf-8")
    path = tmp_path / "moka.yaml"
    path.write_text(text[:text.index("\ncertificate:\n") + 1] + certificate, encoding="utf-8")
    return path


@pytest.mark.parametrize("section,message", [
    ('certificate:\n  issuer: {ja: 真岡市長}\n  number: "M-{fiscal_year}-{certification}-{staf_id}"\n',
     "unknown placeholder '{staf_id}' in certificate 'number' (did you mean 'staff_id'?)"),
    ('certificate:\n  issuer: {ja: 真岡市長}\n  number: "M-{fiscal_year}-{certification}"\n',
     "certificate 'number' must name {staff_id}"),
    ('certificate:\n  issuer: {ja: 真岡市長}\n  number: "M-{staff_id}-{certification}"\n',
     "certificate 'number' must name {fiscal_year}"),
    ('certificate:\n  number: "M-{fiscal_year}-{certification}-{staff_id}"\n', "missing 'issuer'"),
    ('certificate:\n  issuer: {ja: 真岡市長}\n  numbr: "x"\n', "unknown key 'numbr' in 'certificate' (did you mean 'number'?)"),
    ('certificate:\n  issuer: {ja: 真岡市長}\n  number: "M-{fiscal_year:04d}-{certification}-{staff_id}"\n',
     "placeholder '{fiscal_year}' in certificate 'number' takes no format"),
])
def test_a_wrong_certificate_section_is_a_load_error_at_its_line(tmp_path, section, message):
    from engine.errors import RuleError
    from engine.rulefile import load_rule_file

    path = _rule_file(tmp_path, section)
    start = path.read_text("utf-8").splitlines().index("certificate:") + 1
    first = f"({start}|{start + 1}|{start + 2})"  # a line of the section
    with pytest.raises(RuleError) as err:
        load_rule_file(path, "rules/moka.yaml")
    lines = [str(p) for p in err.value.problems]
    assert any(message in line and re.match(rf"rules/moka\.yaml:{first}:\d+: ", line) for line in lines), lines


def test_a_policy_without_a_certificate_section_says_so(reviewed, tmp_path, monkeypatch):
    rules = tmp_path / "rules"
    rules.mkdir()
    for p in (ROOT / "rules").glob("*.yaml"):
        shutil.copy(p, rules / p.name)
    _rule_file(tmp_path, "").replace(rules / "moka.yaml")
    monkeypatch.setenv("NINTEI_RULES_DIR", str(rules))
    out = tmp_path / "out"
    out.mkdir()
    for command in ("certificate", "badges"):
        r = CliRunner().invoke(main, ["--db", reviewed["moka"], command, "-p", "moka", "-y", "2025", "--out", str(out)])
        assert r.exit_code == 1 and "'certificate'" in r.output and "Traceback" not in r.output, r.output
    assert not list(out.iterdir())
