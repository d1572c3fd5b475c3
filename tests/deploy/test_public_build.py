"""A public build never ships a dead Submit form: `extramile build --public` (either engine), and any build with
a SITE_URL that is not local, stops with a message naming the setting and its environment variable."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from extramile.publish_settings import local_kind, public_build_problems
from tests.deploy.conftest import clean_env, extramile, site_copy

PUBLIC = {"SITE_URL": "https://stories.example.org/"}
RECEIVER = "https://stories.example.org/submissions"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return site_copy(tmp_path_factory.mktemp("public-build"))


@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_public_build_with_the_default_receiver_and_no_receiver_url_fails_naming_the_setting(site, tmp_path, engine):
    result = extramile("build", "--engine", engine, "--public", "-d", str(tmp_path / "out"), root=site,
                       env=clean_env(**PUBLIC))
    assert result.returncode == 1
    assert "EXTRAMILE_INTAKE_URL" in result.stderr and "extra.intake.url" in result.stderr
    assert "http://127.0.0.1:8001/submissions, a loopback address" in result.stderr
    assert not (tmp_path / "out").exists(), "nothing is built"


@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_public_build_with_formspree_and_no_action_fails_naming_the_setting(site, tmp_path, engine):
    env = clean_env(**PUBLIC, EXTRAMILE_INTAKE_PROVIDER="formspree", EXTRAMILE_INTAKE_URL=RECEIVER)
    result = extramile("build", "--engine", engine, "--public", "-d", str(tmp_path / "out"), root=site, env=env)
    assert result.returncode == 1
    assert "EXTRAMILE_INTAKE_ACTION" in result.stderr and "extra.intake.action" in result.stderr
    assert "Formspree" in result.stderr


@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_public_build_with_an_https_receiver_url_passes_and_the_form_posts_there(site, tmp_path, engine):
    out = tmp_path / "out"
    result = extramile("build", "--engine", engine, "--public", "-d", str(out), root=site,
                       env=clean_env(**PUBLIC, EXTRAMILE_INTAKE_URL=RECEIVER))
    assert result.returncode == 0, result.stdout + result.stderr
    form = BeautifulSoup((out / "submit" / "index.html").read_text(encoding="utf-8"), "html.parser").find("form", method="post")
    assert form is not None and form["action"] == RECEIVER


def test_empty_variables_count_as_unset_as_ci_systems_set_them(site, tmp_path):
    env = clean_env(**PUBLIC, EXTRAMILE_INTAKE_URL=RECEIVER, EXTRAMILE_INTAKE_PROVIDER="", EXTRAMILE_INTAKE_ACTION="")
    result = extramile("build", "--public", "-d", str(tmp_path / "out"), root=site, env=env)
    assert result.returncode == 0, result.stderr


def test_a_build_for_a_public_site_url_is_guarded_without_public(site, tmp_path):
    result = extramile("build", "-d", str(tmp_path / "out"), root=site, env=clean_env(**PUBLIC))
    assert result.returncode == 1
    assert "EXTRAMILE_INTAKE_URL" in result.stderr


def test_public_build_needs_a_public_site_url(site, tmp_path):
    result = extramile("build", "--public", "-d", str(tmp_path / "out"), root=site,
                       env=clean_env(EXTRAMILE_INTAKE_URL=RECEIVER))
    assert result.returncode == 1
    assert "SITE_URL is http://127.0.0.1:8000/" in result.stderr and "Set SITE_URL" in result.stderr


@pytest.mark.parametrize(("environment", "expected"), [
    ({}, []),  # a local build: the preview's receiver on loopback is right
    ({**PUBLIC, "EXTRAMILE_INTAKE_URL": "http://stories.example.org/submissions"}, ["plain http from an https site"]),
    ({**PUBLIC, "EXTRAMILE_INTAKE_URL": "https://10.1.2.3/submissions"}, ["a private address"]),
    ({**PUBLIC, "EXTRAMILE_INTAKE_URL": "https://[fe80::1]/submissions"}, ["a link-local address"]),
    ({**PUBLIC, "EXTRAMILE_INTAKE_URL": "https://localhost/submissions"}, ["localhost"]),
    ({**PUBLIC, "EXTRAMILE_INTAKE_URL": "https://intake/submissions"}, ["a single-label name"]),
    ({**PUBLIC, "EXTRAMILE_INTAKE_PROVIDER": "formspree", "EXTRAMILE_INTAKE_ACTION": "http://127.0.0.1:9/f"},
     ["EXTRAMILE_INTAKE_ACTION"]),
    ({**PUBLIC, "EXTRAMILE_INTAKE_PROVIDER": "formspree", "EXTRAMILE_INTAKE_ACTION": "https://formspree.io/f/abcd"}, []),
    ({**PUBLIC, "EXTRAMILE_INTAKE_PROVIDER": "netlify"}, []),
    ({**PUBLIC, "EXTRAMILE_INTAKE_URL": RECEIVER}, []),
    ({"SITE_URL": "http://stories.example.org/", "EXTRAMILE_INTAKE_URL": "http://stories.example.org/s"}, []),
    ({**PUBLIC, "EXTRAMILE_INTAKE_PROVIDER": "carrier-pigeon"}, ["EXTRAMILE_INTAKE_PROVIDER"]),
])
def test_what_makes_a_form_dead(site, monkeypatch, environment, expected):
    for name in ("SITE_URL", "EXTRAMILE_INTAKE_PROVIDER", "EXTRAMILE_INTAKE_URL", "EXTRAMILE_INTAKE_ACTION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    problems = public_build_problems(site)
    assert len(problems) == len(expected), problems
    for problem, words in zip(problems, expected):
        assert words in problem


@pytest.mark.parametrize(("host", "local"), [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("0.0.0.0", True),
    ("localhost", True), ("LOCALHOST.", True), ("app.localhost", True), ("printer.local", True),
    ("192.168.1.5", True), ("172.16.0.1", True), ("100.64.0.1", True), ("169.254.1.1", True),
    ("::ffff:127.0.0.1", True), ("fd00::1", True), (None, True),
    ("stories.example.org", False), ("8.8.8.8", False), ("2606:4700::1111", False),
])
def test_which_hosts_no_reader_can_reach(host, local):
    assert (local_kind(host) is not None) is local
