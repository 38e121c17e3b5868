"""Articles of a fictional transit dispute written for the corroboration, shifts and watch tests.

Known content (transit-labour codebook; 0 = the union's maximal position on wages, 100 = a wage freeze):

* a wire story (the Associated Press, 2 March) says the union demanded an 8% raise (wages 0); the Valley
  Gazette runs the same sentence the next day, credited to the AP: a copy. The Riverton Herald reports the
  same demand in its own words: an independent source. So the claim has 3 outlets, 2 independent sources.
* the authority offers 4% on 10 March (wages 50) and insists on a wage freeze on 12 March (wages 100): a
  contradiction two days apart.
* the union moves from 8% (2 March) to 4% (16 April): a point shift of +50 on wages.
* the Herald attributes "We will not be bought off with crumbs" to Okafor, the Metro Courier to Weiss: one
  quote, two speakers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

CODEBOOK = Path(__file__).resolve().parents[1] / "src" / "zopa" / "codebooks" / "transit-labour.yaml"

WIRE_SENTENCE = (
    "The Riverton Transit Workers Union demanded an 8% pay raise for each of the next three years on Monday, "
    "saying drivers had fallen behind inflation."
)


@dataclass(frozen=True)
class Story:
    slug: str
    outlet: str
    published: datetime
    title: str
    text: str


STORIES = (
    Story(
        "ap-demand",
        "Associated Press",
        datetime(2026, 3, 2, 14),
        "Riverton bus drivers ask for more",
        f"{WIRE_SENTENCE}\n\nThe contract covering 2,400 drivers and mechanics expires at the end of the "
        "month. "
        "Talks resume on Thursday at the authority's headquarters near the river terminal.\n\n"
        "Copyright The Associated Press.",
    ),
    Story(
        "gazette-copy",
        "Valley Gazette",
        datetime(2026, 3, 3, 7),
        "Bus union wants raise",
        f"{WIRE_SENTENCE}\n\nIn the valley, commuters who rely on the 40 and 41 lines said they feared "
        "another winter of cancelled services. Gazette readers can find timetables on page 12.\n\n"
        "Associated Press",
    ),
    Story(
        "herald-demand",
        "Riverton Herald",
        datetime(2026, 3, 2, 18),
        "Union puts 8 percent on the table",
        "Union leaders said on Monday that the union demands an 8% raise for every driver, a figure the "
        "Herald understands was agreed at a members' meeting on Sunday night.\n\n"
        '"We will not be bought off with crumbs," Okafor said.\n\n'
        "Mechanics at the Eastside depot have worked without a contract since January.",
    ),
    Story(
        "courier-quote",
        "Metro Courier",
        datetime(2026, 3, 4, 9),
        "Tough words at the depot",
        "Negotiators met for four hours at the Eastside depot on Wednesday without a breakthrough.\n\n"
        '"We will not be bought off with crumbs," Weiss said.\n\n'
        "Neither side would say when they meet again.",
    ),
    Story(
        "authority-offer",
        "Riverton Herald",
        datetime(2026, 3, 10, 12),
        "Authority moves on pay",
        "The authority said it was ready to accept a 4% raise.\n\n"
        "Board members met in a closed session that lasted past midnight.",
    ),
    Story(
        "authority-freeze",
        "Metro Courier",
        datetime(2026, 3, 12, 12),
        "Authority hardens its line",
        "Management insisted on a wage freeze, Daniel Weiss told the city council.\n\n"
        "Council members asked for a report on the budget by the end of the month.",
    ),
    Story(
        "union-moves",
        "Riverton Herald",
        datetime(2026, 4, 16, 12),
        "Union lowers its sights",
        "The union now wants a 4% pay raise, Maria Okafor told reporters on Thursday.\n\n"
        "The strike vote planned for next week has been postponed, union officials said.",
    ),
)


def articles(stories: tuple[Story, ...] = STORIES) -> list[object]:
    """The stories as cleaned :class:`zopa.records.Article` records (source = the slug)."""
    from zopa.ingest import make_article

    return [
        make_article(
            source=s.slug,
            title=s.title,
            body=s.text,
            raw=s.text,
            fmt="text",
            outlet=s.outlet,
            published=s.published,
        )
        for s in stories
    ]


def page_html(story: Story) -> str:
    """The article page an item links to (the feed carries a short summary of it)."""
    from html import escape

    body = "".join(f"<p>{escape(p)}</p>" for p in story.text.split("\n\n"))
    return (
        f"<!doctype html><html><head><title>{escape(story.title)}</title></head><body>"
        f"<nav>Home | Transit | Weather</nav><article><h1>{escape(story.title)}</h1>{body}</article>"
        "<footer>Riverton transit news</footer></body></html>"
    )


def feed_xml(stories: tuple[Story, ...], *, base: str, title: str = "Riverton transit news") -> str:
    """An RSS 2.0 feed of ``stories`` (newest first, as feeds list them), each item linking to
    ``base/slug`` (its page, :func:`page_html`) and carrying the whole text."""
    from email.utils import format_datetime
    from html import escape

    items = []
    for s in sorted(stories, key=lambda s: s.published, reverse=True):
        body = "".join(f"<p>{escape(p)}</p>" for p in s.text.split("\n\n"))
        items.append(
            "<item>"
            f"<title>{escape(s.title)}</title>"
            f"<link>{base}/{s.slug}</link>"
            f"<guid>{base}/{s.slug}</guid>"
            f"<pubDate>{format_datetime(s.published.replace(tzinfo=UTC))}</pubDate>"
            f"<description>{escape(body)}</description>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{base}/</link>"
        f"<description>news</description>{''.join(items)}</channel></rss>\n"
    )
