"""`extramile review`: the pull request's summary for its reviewer, and GitHub annotations for each problem.

The fixture pull request is a real git repository: a base commit on `main` with two stories, and a branch whose
one commit adds a story and changes the other (publishes it, with HTML in the teller's name)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extramile.review import Problem, Step, annotations, parse_output
from tests.deploy.conftest import clean_env, extramile, git, git_repo, site_copy, write_story

HERE = Path(__file__).parent
GOLDEN = HERE / "review-summary.expected.md"
POSTS = "content/stories/posts"


def fixture_pull_request(root: Path) -> Path:
    """`main` with two stories; branch `stories` adds one and changes the other; HEAD on the branch."""
    site_copy(root)
    shutil.rmtree(root / POSTS)
    (root / POSTS).mkdir()
    write_story(root / POSTS / "warm-bread-in-a-power-cut.md", title="Warm bread in a power cut")
    write_story(root / POSTS / "the-umbrella-at-the-bus-stop.md", title="The umbrella at the bus stop",
                tags="[empathy]", told_by="A commuter", draft="false",
                body="It rained hard at the stop. The driver of the last bus handed me the umbrella from his cab, "
                     "told me to keep it, and waited while I opened it before he drove off into the dark.")
    git_repo(root)
    git(root, "checkout", "-q", "-b", "stories")
    write_story(root / POSTS / "warm-bread-in-a-power-cut.md", title="Warm bread in a power cut",
                told_by="A <b>regular</b>", draft="false")
    write_story(root / POSTS / "a-spare-key-from-the-locksmith.md", title="A spare key | cut *twice*",
                tags="[fast-response, free-of-charge]", told_by="Jo, the tenant",
                body="I locked myself out at midnight. The locksmith came in ten minutes, opened the door, cut "
                     "a spare key on the spot and charged only the call-out, because it was my birthday.")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Two stories")
    return root


@pytest.fixture(scope="module")
def pull_request(tmp_path_factory) -> Path:
    return fixture_pull_request(tmp_path_factory.mktemp("pull-request"))


def test_the_summary_lists_the_stories_and_every_problem(pull_request, tmp_path):
    summary = tmp_path / "summary.md"
    result = extramile("review", "--base", "main", "--run", "check", "--summary", str(summary), root=pull_request)
    assert result.returncode == 1, result.stderr  # the changed story has a problem
    assert "$ extramile check" in result.stdout  # each command's output is shown as it runs
    assert "::error" not in result.stdout  # annotations only on GitHub Actions, or when asked
    assert summary.read_text(encoding="utf-8") == GOLDEN.read_text(encoding="utf-8")


def test_on_github_actions_the_summary_goes_to_the_job_summary_and_problems_to_the_diff(pull_request, tmp_path):
    job_summary = tmp_path / "step-summary.md"
    job_summary.write_text("Earlier steps' summary\n", encoding="utf-8")
    env = clean_env(GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(job_summary))
    result = extramile("review", "--base", "main", "--run", "check", root=pull_request, env=env)
    assert result.returncode == 1
    assert job_summary.read_text(encoding="utf-8") == "Earlier steps' summary\n" + GOLDEN.read_text(encoding="utf-8")
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error")]
    assert errors == [f"::error file={POSTS}/warm-bread-in-a-power-cut.md,line=10,title=extramile check::"
                      "told_by: must be plain text: HTML tags and entities are not allowed"]
    # The command's own output is shown in a group, with workflow commands switched off inside it.
    assert "::group::extramile check" in result.stdout and "::stop-commands::" in result.stdout


def test_a_clean_pull_request_passes(pull_request, tmp_path):
    clean = fixture_pull_request(tmp_path / "clean")
    write_story(clean / POSTS / "warm-bread-in-a-power-cut.md", title="Warm bread in a power cut",
                told_by="A regular", draft="false")
    git(clean, "commit", "-q", "-am", "Fix the tag")
    result = extramile("review", "--base", "main", "--run", "check", "--summary", str(tmp_path / "s.md"), root=clean)
    assert result.returncode == 0, result.stdout
    text = (tmp_path / "s.md").read_text(encoding="utf-8")
    assert "0 problems." in text and "### Problems" not in text and "| `extramile check` | passed |" in text


def test_a_base_that_does_not_exist_is_a_usage_error(pull_request):
    result = extramile("review", "--base", "no-such-branch", root=pull_request)
    assert result.returncode == 2 and "cannot compare with no-such-branch" in result.stderr


def test_removed_and_renamed_stories_are_listed(tmp_path):
    root = fixture_pull_request(tmp_path / "pr")
    git(root, "rm", "-q", f"{POSTS}/the-umbrella-at-the-bus-stop.md")
    git(root, "mv", f"{POSTS}/warm-bread-in-a-power-cut.md", f"{POSTS}/warm-bread.md")
    git(root, "commit", "-q", "-m", "Remove one, rename one")
    result = extramile("review", "--base", "main", "--summary", str(tmp_path / "s.md"), root=root)
    text = (tmp_path / "s.md").read_text(encoding="utf-8")
    assert result.returncode == 0
    assert ("| renamed | Warm bread in a power cut | A &lt;b&gt;regular&lt;/b&gt; | empathy, off-script | "
            "published (was a draft) | "
            f"`{POSTS}/warm-bread.md` (from `{POSTS}/warm-bread-in-a-power-cut.md`) |") in text
    assert ("| removed | The umbrella at the bus stop | A commuter | empathy | removed (was published) | "
            f"`{POSTS}/the-umbrella-at-the-bus-stop.md` |") in text


MKDOCS_FAILURE = """INFO    -  Building documentation to directory: /tmp/site
ERROR   -  1 problem(s) in stories (run `extramile check`):
  content/stories/posts/warm-bread.md:12: tags.1: 'warm-bread' is not in the vocabulary's tags
Aborted with a BuildError!
"""
PELICAN_FAILURE = ("[00:18:48] CRITICAL StoryError: 1 problem(s) in stories (run `extramile check`):      "
                   "__init__.py:683\n"
                   "                      content/stories/posts/warm-bread.md:12: tags.1: 'warm-bread' is not "
                   "in the vocabulary's tags          \n")
GUARD_FAILURE = """extramile build: this is a public build (--public, or SITE_URL is not a local address), and it would not work for readers:
  - SITE_URL is http://127.0.0.1:8000/ (a loopback address): set SITE_URL
  - the Submit form would post to http://127.0.0.1:8001/submissions: set EXTRAMILE_INTAKE_URL
See README.md, "Settings", for every setting and its environment variable.
"""


@pytest.mark.parametrize(("output", "expected"), [
    (MKDOCS_FAILURE, [("content/stories/posts/warm-bread.md", 12, "tags.1: 'warm-bread' is not in the vocabulary's tags")]),
    (PELICAN_FAILURE, [("content/stories/posts/warm-bread.md", 12, "tags.1: 'warm-bread' is not in the vocabulary's tags")]),
    (GUARD_FAILURE, [("", 0, "SITE_URL is http://127.0.0.1:8000/ (a loopback address): set SITE_URL"),
                     ("", 0, "the Submit form would post to http://127.0.0.1:8001/submissions: set EXTRAMILE_INTAKE_URL")]),
    ("ERROR   -  Config value 'plugins': The \"blog\" plugin is not installed\n",
     [("", 0, "Config value 'plugins': The \"blog\" plugin is not installed")]),
    ("extramile audit: the site folder is empty:\nnothing else\n", [("", 0, "extramile audit: the site folder is empty:")]),
    ("INFO    -  Documentation built in 0.55 seconds\n", []),
])
def test_problems_are_read_from_what_each_engine_prints(tmp_path, output, expected):
    problems = parse_output(output, "extramile build", tmp_path)
    assert [(p.path, p.line, p.message) for p in problems] == expected


def test_annotations_escape_what_github_would_read_as_syntax():
    step = Step("audit site", 1, "", [
        Problem("content/stories/posts/a,b.md", 3, "100% wrong:\nsecond line", "extramile check"),
        Problem("stories/x/index.html", 7, "a draft is published", "extramile audit site", in_repo=False)])
    assert annotations([step]) == [
        "::error file=content/stories/posts/a%2Cb.md,line=3,title=extramile check::100%25 wrong:%0Asecond line",
        "::error title=extramile audit site::stories/x/index.html:7: a draft is published"]
    assert annotations([Step("build --public", 2, "Traceback ...", [])]) == [
        "::error title=extramile build --public::failed (exit 2): see its log"]
