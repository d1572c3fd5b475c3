"""The GitHub workflows parse, use GitHub's own actions, and run only commands this test suite runs itself:
each `run:` line is a Makefile target or `extramile` command listed in EXERCISED with the test that runs it."""

from __future__ import annotations

import importlib
import inspect
import re
import tomllib

import pytest
import yaml

from tests.conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
# Each command a workflow or Netlify runs -> the test (module::function) that runs it on this machine.
EXERCISED = {
    "make install": "tests.deploy.test_make_targets::test_make_install_installs_from_the_lock",
    "make public": "tests.deploy.test_make_targets::test_make_public_builds_the_site_to_publish",
    "make pr-check": "tests.deploy.test_make_targets::test_make_pr_check_reviews_a_pull_request",
}
ASSIGNMENT = re.compile(r"^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*")  # VAR=value before a command, as Netlify's has


def load(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(data):
    for job in data["jobs"].values():
        yield from job.get("steps", [])


def commands(script: str) -> list[str]:
    lines = [line.split(" #")[0].strip() for line in script.splitlines()]
    return [ASSIGNMENT.sub("", line) for line in lines if line and not line.startswith("#")]


def test_there_are_workflows_for_pull_requests_and_deploys():
    assert {path.name for path in WORKFLOWS} >= {"pr.yml", "pages.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_run_step_is_a_command_the_tests_run(path):
    data = load(path)
    assert data["jobs"], "a workflow with jobs"
    for step in steps(data):
        assert ("run" in step) != ("uses" in step), step
        if "run" in step:
            for command in commands(step["run"]):
                assert command in EXERCISED, f"{path.name}: `{command}` is not run by the tests (see EXERCISED)"
        else:
            assert step["uses"].split("/")[0] == "actions" and re.search(r"@v\d+$", step["uses"]), step["uses"]


def test_netlifys_build_commands_are_commands_the_tests_run():
    config = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
    scripts = [config["build"]["command"], *(context["command"] for context in config.get("context", {}).values())]
    for script in scripts:
        for command in commands(script):
            assert command in EXERCISED, f"netlify.toml: `{command}` is not run by the tests"
    assert config["build"]["publish"] == "site"
    assert config["build"]["environment"]["EXTRAMILE_INTAKE_PROVIDER"] == "netlify"


@pytest.mark.parametrize("command", sorted(EXERCISED))
def test_each_exercised_command_names_a_test_that_runs_it(command):
    module, function = EXERCISED[command].split("::")
    test = getattr(importlib.import_module(module), function)
    assert test.__name__.startswith("test_")
    target = command.removeprefix("make ")
    assert f'"{target}"' in inspect.getsource(test), f"{EXERCISED[command]} does not run `{command}`"


def test_pull_requests_are_checked_with_a_preview_to_download():
    data = load(REPO / ".github" / "workflows" / "pr.yml")
    assert "pull_request" in data["on"]
    [job] = data["jobs"].values()
    uses = {step.get("uses", "").split("@")[0]: step for step in job["steps"]}
    assert uses["actions/checkout"]["with"]["fetch-depth"] == 0  # the base branch, to compare with
    assert uses["actions/setup-python"]["with"]["cache-dependency-path"] == "requirements.lock"
    artifact = uses["actions/upload-artifact"]
    assert artifact["if"] == "always()" and "site/" in artifact["with"]["path"] and "output/" in artifact["with"]["path"]
    assert data.get("permissions") == {"contents": "read"}


def test_merges_deploy_to_github_pages_with_the_official_actions():
    data = load(REPO / ".github" / "workflows" / "pages.yml")
    assert data["on"]["push"]["branches"] == ["main"]
    used = [step.get("uses", "").split("@")[0] for step in steps(data)]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in used
    build = next(step for step in steps(data) if step.get("run") == "make public")
    assert "vars.SITE_URL" in build["env"]["SITE_URL"]
    deploy = data["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
