"""`nintei certificate --lang en`: the same certificates in English (the rule file's English title,
label and issuer; the date ISO, the year FY2025), checked in headless Chromium and with pypdf.
Which certificates there must be comes from tests/data/<policy>_samples_expected.csv
(tests/granted_samples.py); the English words from the rule files themselves."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from browser import ARTIFACTS, has_ink, png_pixels, run
from cli import main
from granted_samples import criterion, expected_grants, review_samples

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def oyama(tmp_path_factory):
    return review_samples("oyama", tmp_path_factory.mktemp("oyama"))


def rule_file(policy: str):
    from engine.rulebook import load_rulebook

    return load_rulebook().policy(policy)


def test_english_certificates_in_html_and_pdf(oyama, tmp_path):
    r = CliRunner().invoke(main, ["--db", oyama, "certificate", "-p", "oyama", "-y", "R7", "--lang", "en",
                                  "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    grants = expected_grants("oyama")
    names = {f"certificate_{staff}_{cert}" for staff, cert in grants}
    assert {p.stem for p in tmp_path.glob("certificate_*.html")} == names
    assert {p.stem for p in tmp_path.glob("certificate_*.pdf")} == names
    assert not list(tmp_path.glob("認定証_*"))
    everything = tmp_path / "certificates_oyama_2025_all.pdf"
    pages = PdfReader(everything).pages
    assert len(pages) == len(grants)
    assert all(abs(float(p.mediabox.width) - 595.3) < 1.5 and abs(float(p.mediabox.height) - 841.9) < 1.5
               for p in pages)

    policy = rule_file("oyama")
    for staff, cert in grants:
        page = (tmp_path / f"certificate_{staff}_{cert}.html").read_text(encoding="utf-8")
        label = policy.certification(cert).label.en
        assert '<html lang="en">' in page and "<h1>Certificate</h1>" in page
        assert f"No. OYAMA-2025-{cert}-{staff}" in page
        assert (f"This is to certify that you have met the certification criteria of {policy.title.en} and are "
                f'hereby certified as <span class="label">{label}</span>.') in page
        assert f"<span>{policy.certificate.issuer.en}</span>" in page and ">Seal<" in page
        assert re.search(r'<p class="date">\d{4}-\d\d-\d\d</p>', page)
        assert "<td>until 2026-03-31 (FY2025)</td>" in page  # both of oyama's are yearly
        assert "<td>FY2025</td>" in page and "--lang en</code>" in page
        # Japanese only where it is the roster's (name, 所属) or the plan's own sentence, quoted
        body = re.sub(r'<div class="who">.*?</div></div>|<blockquote>.*?</blockquote>|<title>.*?</title>', "",
                      re.sub(r"<style>.*?</style>", "", page, flags=re.S), flags=re.S)
        assert not CJK.search(body), sorted(set(CJK.findall(body)))
        assert f"「{criterion('oyama', cert)}」" in page
    text = " ".join(p.extract_text() for p in pages)
    assert "Certificate" in text and "Mayor of Oyama City" in text


def test_an_english_certificate_in_chromium(oyama, tmp_path):
    staff, cert = sorted(expected_grants("oyama"))[0]
    r = CliRunner().invoke(main, ["--db", oyama, "certificate", "-p", "oyama", "-y", "2025", "--staff", staff,
                                  "--lang", "en", "--no-pdf", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    ARTIFACTS.mkdir(exist_ok=True)
    page = ARTIFACTS / "certificate-en.html"
    page.write_bytes((tmp_path / f"certificate_{staff}_{cert}.html").read_bytes())
    png, pdf = ARTIFACTS / "certificate-en.png", ARTIFACTS / "certificate-en.pdf"
    for f in (png, pdf):
        f.unlink(missing_ok=True)
    r = run("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert pdf.exists(), r.stderr
    assert len(PdfReader(pdf).pages) == 1
    r = run("--window-size=794,1123", f"--screenshot={png}", page.as_uri())
    assert png.exists(), r.stderr
    assert png_pixels(png)[:2] == (794, 1123) and has_ink(png)
    dom = run("--dump-dom", page.as_uri()).stdout
    assert "<h1>Certificate</h1>" in dom and "Mayor of Oyama City" in dom


def test_japanese_stays_the_default(oyama, tmp_path):
    default, ja = tmp_path / "default", tmp_path / "ja"
    for folder, extra in ((default, []), (ja, ["--lang", "ja"])):
        folder.mkdir()
        r = CliRunner().invoke(main, ["--db", oyama, "certificate", "-p", "oyama", "-y", "R7", "--no-pdf", *extra,
                                      "--out", str(folder)])
        assert r.exit_code == 0, r.output
    names = sorted(p.name for p in default.glob("*.html"))
    assert names == sorted(p.name for p in ja.glob("*.html")) and all(n.startswith("認定証_") for n in names)
    for name in names:
        assert (default / name).read_bytes() == (ja / name).read_bytes()
        assert '<html lang="ja">' in (default / name).read_text(encoding="utf-8")
