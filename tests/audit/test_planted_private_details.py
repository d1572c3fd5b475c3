"""E-mail addresses, phone numbers and the intake store's private values, planted in a copy of each engine's
real build, are found and named by file and line; the allow-list lets through exactly what it lists."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os

import pytest

from tests.audit.conftest import audit, found, plant, run_audit, story_page

from extramile.intake.store import IntakeStore, SubmissionRecord

PRIVATE = {"email": "jo.reader@example.net", "ip": "81.2.69.160", "phone": "+44 7700 900123",
           "user_agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "consent": True}


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "var" / "intake" / "submissions.sqlite3"
    with IntakeStore(path) as intake:
        intake.add(SubmissionRecord(id="sub_test0001", received=dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc),
                                    status="accepted", fields={"title": "A test"}, private=PRIVATE))
        intake.add(SubmissionRecord(id="sub_test0002", received=dt.datetime(2026, 1, 3, tzinfo=dt.timezone.utc),
                                    status="spam", fields={"title": "Local"},
                                    private={"email": "", "ip": "127.0.0.1", "user_agent": "curl/8"}))
    return path


@pytest.mark.parametrize("text, message", [
    ("Write to jo.bloggs@example.com any time.", "e-mail address 'jo.bloggs@example.com'"),
    ("Write to <a href=\"mailto:Jo@Example.COM\">Jo</a>.", "e-mail address 'Jo@Example.COM'"),
    ("Ring 0161 496 0000 after six.", "phone number '0161 496 0000'"),
    ("Ring +44 (0)161 496-0000.", "phone number '+44 (0)161 496-0000'"),
    ("Call (555) 010-4477 in Ohio.", "phone number '(555) 010-4477'"),
    ('<a href="tel:+441614960000">Call us</a>', "phone number '+441614960000'"),
])
def test_a_contact_detail_in_a_page(site, text, message):
    rel = story_page(site)
    line = plant(site, rel, f"<p>\n{text}\n</p>")
    assert found(audit(site), rel, line + 1, message)


@pytest.mark.parametrize("text", [
    "On 2024-05-06 the 10,000th order shipped; 3.14159265 of them were pies.",
    "Between 2019 2020 2021 we moved. Version 1.2.3. Order 12345, £1,200.",
])
def test_numbers_that_are_not_phones(site, text):
    plant(site, story_page(site), f"<p>{text}</p>")
    assert audit(site) == []


def test_contact_details_in_feed_and_search_index(site):
    folder = next((site / "search").glob("d.*"))
    (folder / "997.gz").write_bytes(gzip.compress(json.dumps({"text": ["mail jo@example.org"]}).encode()))
    feed = "feeds/all.atom.xml" if (site / "feeds/all.atom.xml").exists() else "feed_rss_created.xml"
    closing = "</feed>" if feed.endswith("atom.xml") else "</channel>"
    line = plant(site, feed, "<entry><summary>Call 0161 496 0000</summary></entry>", before=closing)
    sitemap = plant(site, "sitemap.xml", "<url><loc>mailto:jo@example.org</loc></url>", before="</urlset>")
    findings = audit(site)
    assert found(findings, f"search/{folder.name}/997.gz", 1, "e-mail address 'jo@example.org'")
    assert found(findings, feed, line, "phone number '0161 496 0000'")
    assert found(findings, "sitemap.xml", sitemap, "e-mail address 'jo@example.org'")


def test_the_allow_list_is_exact(site, tmp_path):
    rel = story_page(site)
    plant(site, rel, "<p>Press: press@example.com or 0161 496 0000; not press@example.co.uk.</p>")
    allow = tmp_path / "allow.yml"
    allow.write_text("allowed: [name@example.com, press@example.com, '0161 496 0000']\n", encoding="utf-8")
    findings = audit(site, allow=allow)
    assert [f.message for f in findings] == ["e-mail address 'press@example.co.uk' (not in content/public-contacts.yml)"]


def test_the_example_address_of_the_submit_page_is_allowed_only_by_the_allow_list(engine_sites, tmp_path):
    empty = tmp_path / "allow.yml"
    empty.write_text("allowed: []\n", encoding="utf-8")
    for folder in engine_sites.values():
        findings = audit(folder, allow=empty)
        assert findings and {f.path for f in findings} == {"submit/index.html"}
        assert all("name@example.com" in f.message for f in findings)


def test_stored_private_values_in_the_output(site, store, tmp_path):
    allow = tmp_path / "allow.yml"  # the contact rule would find the address and number anyway: set it aside
    allow.write_text(f"allowed: [name@example.com, {PRIVATE['email']}, '+44 7700 900123']\n", encoding="utf-8")
    rel = story_page(site)
    line = plant(site, rel, f"<p>Sent by {PRIVATE['email'].upper()} from {PRIVATE['ip']}</p>\n"
                            f"<p title=\"{PRIVATE['user_agent']}\">x</p>\n<p>{PRIVATE['phone']}</p>")
    (site / "robots.txt").write_text(f"# {PRIVATE['ip']}\n", encoding="utf-8")
    findings = audit(site, allow=allow, store=store)
    assert found(findings, rel, line, "private e-mail address from the intake store")
    assert found(findings, rel, line, "private IP address from the intake store")
    assert found(findings, rel, line + 1, "private user agent from the intake store")
    assert found(findings, rel, line + 2, "private phone number from the intake store")
    assert found(findings, "robots.txt", 1, "private IP address")


def test_the_store_is_read_only_and_local_addresses_do_not_count(engine_sites, store):
    """127.0.0.1 is in the store (a local test post) and in every local build's links: it identifies no one."""
    before = {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in store.parent.iterdir()}
    code, out = run_audit(engine_sites["pelican"], store=store)
    assert code == 0, out
    assert "intake store" in out and "2 submissions" in out
    assert {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in store.parent.iterdir()} == before


def test_the_store_is_found_where_the_receiver_keeps_it(engine_sites, store, tmp_path):
    """Without --store, the project's var/intake/submissions.sqlite3 is read when it exists."""
    import shutil

    root = store.parent.parent.parent
    shutil.copy2(os.path.join(os.path.dirname(__file__), "..", "..", "mkdocs.yml"), root / "mkdocs.yml")
    site = tmp_path / "site"
    shutil.copytree(engine_sites["material"], site)
    plant(site, story_page(site), f"<p>{PRIVATE['user_agent']}</p>")
    code, out = run_audit(site, root=root, store=None)
    assert code == 1 and "private user agent from the intake store" in out


def test_the_configured_privacy_contact_is_allowed(engine_sites, tmp_path, monkeypatch):
    """The Submit page shows extra.intake.privacy_contact when it is set: the site's own address, allowed."""
    import shutil

    from tests.conftest import REPO

    root = tmp_path / "root"
    root.mkdir()
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "content").mkdir()
    shutil.copy2(REPO / "content/public-contacts.yml", root / "content/public-contacts.yml")  # the form's example
    site = tmp_path / "site"
    shutil.copytree(engine_sites["pelican"], site)
    line = plant(site, "submit/index.html", "<p>Ask privacy@example.org to delete it.</p>")
    monkeypatch.delenv("EXTRAMILE_PRIVACY_CONTACT", raising=False)
    code, out = run_audit(site, root=root)
    assert code == 1 and f"submit/index.html:{line}: e-mail address 'privacy@example.org'" in out
    monkeypatch.setenv("EXTRAMILE_PRIVACY_CONTACT", "mailto:Privacy@example.org")
    assert run_audit(site, root=root)[0] == 0
