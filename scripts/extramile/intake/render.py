"""The receiver's own pages: the Submit form shown again with its errors, and short messages for people.

Only a visitor without JavaScript sees these (the page's script shows errors in place). The form is the very
partial the site renders, from theme/shared, so the two can never drift apart; the page around it is plain and
links back to the site.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from extramile.intake.config import SUBMIT_PATH, ReceiverSettings
from extramile.vocabulary import Vocabulary

SITE_NAME = "Extra Mile"
_HERE = Path(__file__).parent / "templates"
FORM_CSS = Path("theme/material/assets/stylesheets/story-form.css")  # relative to the project root


class Pages:
    def __init__(self, settings: ReceiverSettings, vocabulary: Vocabulary):
        self.settings = settings
        self.vocabulary = vocabulary
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(settings.root / "theme" / "shared"), str(_HERE)]),
            autoescape=True, undefined=jinja2.StrictUndefined, auto_reload=False,
        )
        self.env.filters["url"] = _url_filter
        css = settings.root / FORM_CSS
        # The stylesheet is inlined: the receiver serves no files, and the site may be on another host.
        self.form_css = Markup(css.read_text(encoding="utf-8")) if css.is_file() else ""

    def form(self, values: dict, errors: dict[str, str], origin: str | None) -> str:
        """The form with every error next to its field and everything typed still in it."""
        count = len(errors)
        return self._page(
            origin, title="Check the story and send it again",
            message=f"{'One thing needs' if count == 1 else f'{count} things need'} changing before the story can be sent: "
                    "each is marked next to its field. Everything you typed is still here.",
            show_form=True, values=values, errors=errors,
            # This page is the answer to a post to the receiver, so its own address is where the form goes
            # next, whatever host name or proxy prefix the visitor reached it by.
            intake={**self.settings.intake, "action": "submissions"},
        )

    def message(self, title: str, message: str, origin: str | None) -> str:
        return self._page(origin, title=title, message=message, show_form=False, values={}, errors={})

    def _page(self, origin: str | None, **context: object) -> str:
        page_url = lambda path: self.settings.page_url(path, origin)  # noqa: E731 - the filter's one job
        return self.env.get_template("page.html").render(
            site_name=SITE_NAME, site_href=page_url(""), back_href=page_url(SUBMIT_PATH),
            back_text="Back to the Submit page on the site", form_css=self.form_css,
            vocabulary=self.vocabulary, page_url=page_url, **{"intake": self.settings.intake, **context},
        )


@jinja2.pass_context
def _url_filter(context: jinja2.runtime.Context, path: str) -> str:
    # The site's templates get MkDocs' `url` filter (a link relative to the page); here, links go to the site.
    return context["page_url"](str(path))
