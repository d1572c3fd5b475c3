"""The form's own rules and messages (submission.py), as the receiver and the ingest both apply them."""

from __future__ import annotations

from extramile.submission import FormSubmission, form_messages, validate_submission

from .conftest import GOOD, good


def test_an_empty_form_names_every_required_field_in_the_forms_words(vocabulary):
    story, problems = validate_submission(FormSubmission.from_fields({}), vocabulary)
    assert story is None
    assert problems == {
        "title": "Give the story a title.",
        "story": "Tell us a little more: at least 200 characters (it has 0).",
        "month": "Choose the month and year.",
        "perspective": "Choose who is telling the story.",
        "business": "Give the name of the business.",
        "industry": "Choose an industry.",
        "channel": "Choose a channel.",
        "tags": "Choose at least one tag.",
        "told_by": "Give the name to show, or choose to publish anonymously.",
        "consent": "We need your permission to publish the story: tick the box.",
    }


def test_a_good_form_becomes_a_draft_story(vocabulary):
    story, problems = validate_submission(FormSubmission.from_fields(GOOD), vocabulary, "sub_0123456789abcdef0123")
    assert problems == {}
    assert story.draft is True and story.told_by == "Sam" and story.source.id == "sub_0123456789abcdef0123"
    assert story.description.startswith("The checkout failed three times")


def test_anonymous_wins_over_a_name_and_needs_none(vocabulary):
    story, problems = validate_submission(FormSubmission.from_fields(good(told_by="", anonymous="on")), vocabulary)
    assert problems == {} and story.told_by == "Anonymous"


def test_a_problem_in_the_first_sentence_is_reported_on_the_story(vocabulary):
    sub = FormSubmission.from_fields(good(story="It was <em>great</em>. " + GOOD["story"]))
    _, problems = validate_submission(sub, vocabulary)
    assert problems == {"story": "The story's first sentence becomes its summary, so it must be plain text: "
                                 "HTML tags and entities are not allowed."}


def test_the_page_script_gets_the_same_messages_the_receiver_gives(vocabulary):
    messages = form_messages()
    _, problems = validate_submission(FormSubmission.from_fields(good(industry="", tags=[], consent="")), vocabulary)
    assert {name: messages[name] for name in problems} == problems
