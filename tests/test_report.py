"""The HTML report: self-contained, every evidence link has its anchor, all stored text escaped, sections
pluggable."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from evidence_fixtures import mini_codebook
from zopa.errors import InputError
from zopa.pipeline import analyze
from zopa.report import (
    DEFAULT_SECTIONS,
    ReportContext,
    ReportSection,
    render_document,
    render_report,
    write_report,
)
from zopa.store.db import Database, open_db
from zopa.store.queries import EvidenceFilter, listing
from zopa.store.rows import QuoteRow


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        href = values.get("href")
        if href and href.startswith("#"):
            self.hrefs.append(href[1:])
        for attr in ("src", "href"):
            value = values.get(attr) or ""
            if tag in ("script", "link", "img", "iframe") and value.startswith(("http:", "https:", "//")):
                self.external.append(value)


@pytest.fixture(scope="module")
def report_html(seeded_db: Database) -> str:
    return render_report(seeded_db)


def test_report_is_self_contained(report_html: str) -> None:
    parser = _Links()
    parser.feed(report_html)
    assert parser.external == []
    assert '<meta charset="utf-8">' in report_html
    assert "<script src=" not in report_html


def test_report_has_the_default_sections(report_html: str) -> None:
    for section in DEFAULT_SECTIONS:
        assert f'<section id="{section.id}">' in report_html
    assert '<section id="documents">' in report_html
    assert "Quotes by speaker" in report_html and "Vladimir Putin" in report_html


def test_every_internal_link_has_a_target(report_html: str) -> None:
    parser = _Links()
    parser.feed(report_html)
    evidence_links = [h for h in parser.hrefs if re.fullmatch(r"d\d+-\d+-\d+", h)]
    assert len(evidence_links) >= 7  # at least the seed quotes
    missing = [h for h in parser.hrefs if h not in parser.ids]
    assert missing == []


def test_evidence_anchor_points_at_the_quoted_words(seeded_db: Database, report_html: str) -> None:
    from zopa.store.queries import get_document

    quote = listing(seeded_db, QuoteRow, EvidenceFilter(limit=1)).items[0]
    text = get_document(seeded_db, quote.document).text
    assert text[quote.start : quote.end] == quote.text
    anchor = f'id="d{quote.document}-{quote.start}-{quote.end}"'
    assert anchor in report_html


def test_plotly_is_inlined_once(seeded_db: Database) -> None:
    import plotly.graph_objects as go

    def extra_chart(ctx: ReportContext) -> str:
        return ctx.figure(go.Figure(go.Bar(x=["a"], y=[1])))

    sections = (*DEFAULT_SECTIONS, ReportSection("extra", "Extra", extra_chart))
    page = render_report(seeded_db, sections=sections)
    assert len(re.findall(r"plotly\.js v\d", page)) == 1  # two figures, one copy of plotly.js
    assert '<section id="extra"><h2>Extra</h2>' in page
    assert '<a href="#extra">Extra</a>' in page


def test_custom_sections_only(seeded_db: Database) -> None:
    def hello(ctx: ReportContext) -> str:
        return "<p>" + ctx.link(1, 0, 5, "<first words>") + "</p>"

    page = render_report(seeded_db, sections=(ReportSection("hello", "Hello", hello),))
    assert "&lt;first words&gt;" in page
    assert 'id="d1-0-5"' in page and 'id="doc-1"' in page
    assert '<section id="positions">' not in page


def test_article_text_is_escaped(tmp_path: Path) -> None:
    article = tmp_path / "xss.txt"
    article.write_text(
        "Talks <b>resume</b>\n\n"
        "“We will never accept <script>alert(1)</script> at all,” Putin said on Tuesday.\n\n"
        "Zelenskyy said the proposal <img src=x onerror=alert(2)> was late & weak.\n",
        encoding="utf-8",
    )
    db = open_db(tmp_path / "x.db")
    try:
        analyze([article], db, codebook=mini_codebook())
        page = render_report(db)
    finally:
        db.close()
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&amp; weak" in page


def test_render_document_marks_spans() -> None:
    out = render_document("a <b> c", 3, {(2, 5)})
    assert out == 'a <a class="anchor" id="d3-2-5"></a><mark class="span">&lt;b&gt;</mark> c'


def test_write_report(seeded_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    info = write_report(seeded_db, target, codebook=None)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert info.bytes == target.stat().st_size and info.documents >= 1
    assert info.as_dict()["sections"] == [s.id for s in DEFAULT_SECTIONS]
    with pytest.raises(InputError, match="is a folder"):
        write_report(seeded_db, tmp_path)
    with pytest.raises(InputError, match="does not exist"):
        write_report(seeded_db, tmp_path / "nope" / "r.html")


def test_registered_section_is_rendered_by_default(seeded_db: Database) -> None:
    from zopa import report

    section = ReportSection("test-registered", "Registered", lambda ctx: "<p>registered section body</p>")
    report.register_section(section)
    try:
        assert report.report_sections()[-1] == section
        assert "registered section body" in render_report(seeded_db)
        with pytest.raises(ValueError, match="taken by a default section"):
            report.register_section(ReportSection("quotes", "Mine", lambda ctx: ""))
    finally:
        report._REGISTERED.remove(section)
    assert "registered section body" not in render_report(seeded_db)
