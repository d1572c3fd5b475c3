"""The Makefile targets the workflows and Netlify run, run here: `make install`, `make public`, `make pr-check`
(and Netlify's build command). tests/deploy/test_workflows.py checks that the workflows run nothing else."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import REPO
from tests.deploy.conftest import clean_env, git, make, site_copy, write_story
from tests.deploy.test_review import POSTS, fixture_pull_request

PUBLIC = {"SITE_URL": "https://stories.example.org/", "EXTRAMILE_INTAKE_URL": "https://stories.example.org/submissions"}


def submit_form(site: Path):
    page = BeautifulSoup((site / "submit" / "index.html").read_text(encoding="utf-8"), "html.parser")
    return page.find("form", method="post")


def test_make_install_installs_from_the_lock():
    """As the workflows and .ci/run run it: here the environment is installed already, so it is quick."""
    env = clean_env()
    result = subprocess.run(["make", "-s", "install"], cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert subprocess.run(["make", "-q", "install"], cwd=REPO, env=env).returncode == 0, "installed and stamped"


def test_the_install_is_redone_when_the_lock_or_pyproject_changes(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "requirements.lock"):
        (project / name).write_text((REPO / name).read_text(encoding="utf-8"), encoding="utf-8")
    stamp = venv / "bin" / ".extramile-installed"
    stamp.touch()
    env = clean_env(VIRTUAL_ENV=str(venv))

    def planned() -> str:
        return subprocess.run(["make", "-n", "-f", str(REPO / "Makefile"), "install"], cwd=project, env=env,
                              capture_output=True, text=True, check=True).stdout

    assert "pip install" not in planned()  # installed after the lock was written
    for name in ("requirements.lock", "pyproject.toml"):
        os.utime(project / name, (stamp.stat().st_mtime + 10,) * 2)
        assert 'pip install --quiet -c requirements.lock -e ".[test]"' in planned()
        os.utime(stamp, (stamp.stat().st_mtime + 20,) * 2)


def test_make_public_builds_the_site_to_publish(tmp_path):
    site = site_copy(tmp_path / "site-copy")
    result = make("public", site, clean_env(**PUBLIC))
    assert result.returncode == 0, result.stdout + result.stderr
    assert submit_form(site / "site")["action"] == PUBLIC["EXTRAMILE_INTAKE_URL"]
    assert "https://stories.example.org/stories/" in (site / "site" / "sitemap.xml").read_text(encoding="utf-8")

    result = make("public-pelican", site, clean_env(**PUBLIC))
    assert result.returncode == 0, result.stdout + result.stderr
    assert submit_form(site / "output")["action"] == PUBLIC["EXTRAMILE_INTAKE_URL"]


def test_make_public_refuses_without_the_settings(tmp_path):
    site = site_copy(tmp_path / "site-copy")
    result = make("public", site)
    assert result.returncode != 0
    assert "Set SITE_URL" in result.stderr and "EXTRAMILE_INTAKE_URL" in result.stderr
    assert not (site / "site").exists()


@pytest.mark.parametrize("context", ["production", "deploy-preview"])
def test_netlifys_build_command_builds_for_netlify_forms(tmp_path, context):
    config = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
    command = config["context"][context]["command"] if context in config.get("context", {}) else config["build"]["command"]
    site = site_copy(tmp_path / "site-copy")
    netlify = {"URL": "https://extramile.netlify.app", "DEPLOY_PRIME_URL": "https://deploy-preview-7--extramile.netlify.app"}
    env = clean_env(**config["build"]["environment"], **netlify)
    env.pop("VIRTUAL_ENV")  # Netlify has none: the Makefile makes .venv; here it is the tests' environment
    env["VIRTUAL_ENV"] = sys.prefix
    result = subprocess.run(["sh", "-c", command.replace("make public", f"make -f {REPO / 'Makefile'} -o {sys.prefix}/bin/.extramile-installed public")],
                            cwd=site, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    built = site / config["build"]["publish"]
    form = submit_form(built)
    assert form["data-netlify"] == "true" and form.find("input", attrs={"name": "form-name"})
    address = netlify["URL"] if context == "production" else netlify["DEPLOY_PRIME_URL"]
    assert f"{address}/stories/" in (built / "sitemap.xml").read_text(encoding="utf-8")


def pull_request_checkout(root: Path) -> Path:
    """The fixture pull request as actions/checkout leaves it with fetch-depth 0: the base as origin/main."""
    fixture_pull_request(root)
    git(root, "update-ref", "refs/remotes/origin/main", "main")
    return root


def test_make_pr_check_reviews_a_pull_request(tmp_path):
    root = pull_request_checkout(tmp_path / "pr")
    write_story(root / POSTS / "warm-bread-in-a-power-cut.md", title="Warm bread in a power cut", draft="false")
    git(root, "commit", "-q", "-am", "A valid teller's name")
    summary = tmp_path / "step-summary.md"
    env = clean_env(**PUBLIC, GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary), GITHUB_BASE_REF="main")
    result = make("pr-check", root, env)
    assert result.returncode == 0, result.stdout + result.stderr
    text = summary.read_text(encoding="utf-8")
    assert "since `origin/main`; 0 problems." in text
    assert "| added | A spare key \\| cut \\*twice\\* | Jo, the tenant |" in text
    for check in ("check", "build --public", "build --engine pelican --public"):
        assert f"| `extramile {check}` | passed |" in text
    assert (root / "site" / "index.html").is_file() and (root / "output" / "index.html").is_file()  # the preview


def test_make_pr_check_fails_and_annotates_a_pull_request_with_problems(tmp_path):
    root = pull_request_checkout(tmp_path / "pr")
    summary = tmp_path / "step-summary.md"
    env = clean_env(GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary), GITHUB_BASE_REF="main")  # no settings
    result = make("pr-check", root, env)
    assert result.returncode != 0
    assert (f"::error file={POSTS}/warm-bread-in-a-power-cut.md,line=10,title=extramile check::told_by: must be plain"
            in result.stdout)
    assert "::error title=extramile build --public::SITE_URL is http://127.0.0.1:8000/" in result.stdout
    text = summary.read_text(encoding="utf-8")
    assert "| `extramile build --engine pelican --public` | **failed** (exit 1) |" in text
