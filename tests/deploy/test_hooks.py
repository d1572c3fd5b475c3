"""The editors' pre-commit hook, installed by `make hooks` in a real git repository: a commit whose story fails
`extramile check` is stopped; a valid one goes through. pre-commit users run the same script."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import REPO
from tests.deploy.conftest import clean_env, git, git_repo, make, site_copy, write_story

STORY = "content/stories/posts/warm-bread-in-a-power-cut.md"


@pytest.fixture
def clone(tmp_path):
    root = git_repo(site_copy(tmp_path / "clone"))
    result = make("hooks", root)
    assert result.returncode == 0, result.stderr
    assert git(root, "config", "core.hooksPath").stdout.strip() == ".githooks"
    return root


def commit(root, message="Add a story"):
    return git(root, "commit", "-m", message, check=False)


def head(root) -> str:
    return git(root, "rev-parse", "HEAD").stdout.strip()


def test_a_story_with_an_unknown_tag_is_not_committed(clone):
    before = head(clone)
    write_story(clone / STORY, title="Warm bread in a power cut", tags="[empathy, warm-bread]")
    git(clone, "add", STORY)
    result = commit(clone)
    assert result.returncode != 0
    assert f"{STORY}:9: tags.1: 'warm-bread' is not in the vocabulary's tags" in result.stderr  # git shows hooks on stderr
    assert "commit stopped" in result.stderr
    assert head(clone) == before


def test_a_valid_story_is_committed(clone):
    write_story(clone / STORY, title="Warm bread in a power cut")
    git(clone, "add", STORY)
    result = commit(clone)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 story checked: all valid" in result.stderr
    assert git(clone, "log", "-1", "--name-only", "--format=").stdout.split() == [STORY]


def test_a_story_with_a_phone_number_in_its_text_is_not_committed(clone):
    before = head(clone)
    write_story(clone / STORY, title="Warm bread in a power cut",
                body="The baker kept my loaves warm. Call me on +44 7700 900123 if you want the whole story.")
    git(clone, "add", STORY)
    result = commit(clone)
    assert result.returncode != 0, "a phone number in a story must stop the commit:\n" + result.stderr
    assert f"{STORY}:14: body: holds a phone number" in result.stderr
    assert head(clone) == before


def test_the_hook_reads_the_staged_vocabulary_and_public_contacts(clone):
    """A commit may add a tag to the vocabulary with the story that uses it; list a public number with it."""
    vocabulary = clone / "content" / "vocabulary.yml"
    text = vocabulary.read_text(encoding="utf-8")
    vocabulary.write_text(text.replace("tags:\n", "tags:\n  - slug: warm-bread\n    label: Warm bread\n"
                                       "    description: Bakers who keep it warm.\n", 1), encoding="utf-8")
    (clone / "content" / "public-contacts.yml").write_text(
        'allowed:\n  - text: "+44 20 7946 0000"\n    note: The bakery\'s order line, on its website\n', encoding="utf-8")
    write_story(clone / STORY, title="Warm bread in a power cut", tags="[empathy, warm-bread]",
                body="The baker kept my loaves warm. Order yours on +44 20 7946 0000, as I do every week now.")
    git(clone, "add", STORY, "content/vocabulary.yml", "content/public-contacts.yml")
    result = commit(clone)
    assert result.returncode == 0, result.stderr


def test_what_is_checked_is_what_is_staged_not_what_is_on_disk(clone):
    write_story(clone / STORY, title="Warm bread in a power cut", tags="[empathy, warm-bread]")
    git(clone, "add", STORY)
    write_story(clone / STORY, title="Warm bread in a power cut")  # fixed on disk, not staged
    assert commit(clone).returncode != 0
    git(clone, "add", STORY)
    assert commit(clone).returncode == 0


def test_a_commit_without_stories_is_not_checked(clone):
    (clone / "notes.txt").write_text("not a story\n", encoding="utf-8")
    git(clone, "add", "notes.txt")
    result = commit(clone, "Notes")
    assert result.returncode == 0 and "checked" not in result.stderr


def test_the_hook_says_how_to_install_when_extramile_is_missing(clone):
    write_story(clone / STORY, title="Warm bread in a power cut")
    git(clone, "add", STORY)
    env = clean_env(PATH="/usr/bin:/bin")
    del env["VIRTUAL_ENV"]
    result = git(clone, "commit", "-m", "Add a story", env=env, check=False)
    assert result.returncode != 0 and "make install" in result.stderr


def test_pre_commit_users_run_the_same_hook_on_stories():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [repo] = config["repos"]
    [hook] = repo["hooks"]
    assert repo["repo"] == "local"
    assert hook["entry"] == ".githooks/pre-commit" and (REPO / hook["entry"]).stat().st_mode & 0o111
    assert hook["language"] == "script" and hook["pass_filenames"] is False
    import re
    assert re.search(hook["files"], STORY) and not re.search(hook["files"], "content/about.md")
