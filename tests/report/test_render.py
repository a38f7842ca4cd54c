"""The report rendered: HTML with every section and Swedish numbers, a PDF that poppler reads back, both languages."""

from __future__ import annotations

import re
import tomllib
from html.parser import HTMLParser
from importlib import resources

import pytest

from api.report_render import document, render, render_html
from api.report_render.catalog import catalog, flatten
from api.report_render.html import css_string
from models.report import MESSAGES, SECTIONS
from tests.report.conftest import first_page_png, pdf_text

SWEDISH_TITLES = [
    "Måluppfyllelse",
    "Arbetsmiljö: luft, ljud och ljus",
    "Korttidssjukfrånvaro",
    "Risk framåt",
    "Förbättringsarbete",
    "Synpunkter från medborgarna",
    "Förbättringsområden",
]


class _Text(HTMLParser):
    """The visible text of a page: what is not inside <style> or an inline SVG."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._hidden += tag in ("style", "svg")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("style", "svg")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts).replace("\u00a0", " "))


@pytest.fixture(scope="module")
def swedish(built_report) -> str:
    return render_html(built_report, "sv")


def test_the_catalogs_have_the_same_keys_and_every_message(built_report):
    texts = {lang: flatten(tomllib.loads(resources.files("api.report_render").joinpath(f"{lang}.toml").read_text()))
             for lang in ("sv", "en")}  # fmt: skip
    assert set(texts["sv"]) == set(texts["en"])
    assert set(texts["sv"]) >= MESSAGES
    for key in SECTIONS:
        assert f"section.{key}.title" in texts["sv"]
    for lang in ("sv", "en"):  # every sentence of the built report is worded, in both languages
        body = document(built_report, lang)
        for section in body["sections"]:
            assert all(entry["text"] and "{" not in entry["text"] for entry in section["notes"] + section["statements"])


def test_swedish_html_has_every_section_and_swedish_numbers(swedish, built_report):
    assert swedish.startswith("<!DOCTYPE html>")
    assert '<html lang="sv">' in swedish
    text = visible(swedish)
    for title in SWEDISH_TITLES:
        assert title in text
    centre = built_report.section("goals").figures["centre"]
    rate = f"{100 * centre['answer_rate']:.1f}".replace(".", ",") + " %"
    assert f"Kundcentret besvarade {rate} av" in text  # 93,8 %: decimal comma, a (non-breaking) space before %
    assert re.search(r"\b\d{2} \d{3} erbjudna samtal", text)  # thousands grouped by a space: 39 241
    assert "v.\u00a036" in swedish  # ISO weeks the Swedish way (a non-breaking space), in the chart
    assert "1 september 2025 till och med 31 december 2025" in text
    assert "september 2025" in text
    assert "Tertialen" in text
    assert not re.search(r"\d\.\d %", text)  # no decimal point anywhere in a Swedish percentage
    # Print-ready: pages numbered "sida X av Y", rows never split, charts inline as SVG.
    assert 'content: "sida " counter(page) " av " counter(pages)' in swedish
    assert "break-inside: avoid" in swedish
    assert swedish.count("<svg") == 4  # answer rate, environment, absence, feedback


def test_the_absence_section_lists_only_the_centre(swedish):
    section = swedish.split('<section class="absence"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", section, re.DOTALL)
    months = [visible(r).split(" ")[0] for r in rows[1:]]
    assert months == ["september", "oktober", "november", "december", "Tertialen"]
    assert "team-" not in visible(section)
    assert "Endast kundcentret som helhet redovisas" in visible(section)


def test_english_on_request(built_report):
    english = render_html(built_report, "en")
    text = visible(english)
    assert '<html lang="en">' in english
    for title in (
        "Goal fulfilment",
        "Short-term sick leave",
        "Risk ahead",
        "Citizen feedback",
        "Areas for improvement",
    ):
        assert title in text
    assert re.search(r"\b9\d\.\d% of \d{2},\d{3} calls", text)  # 93.8% of 39,241 calls
    assert "W36" in english
    assert 'content: "page " counter(page) " of " counter(pages)' in english


def test_the_pdf_reads_back_with_titles_page_numbers_and_the_period(report_pdf, tmp_path):
    assert report_pdf.startswith(b"%PDF")
    text = pdf_text(report_pdf, tmp_path)
    for title in SWEDISH_TITLES:
        assert title in text
    pages = re.findall(r"sida (\d+) av (\d+)", text)
    assert len(pages) >= 5
    assert pages[0] == ("1", pages[0][1])
    assert {total for _, total in pages} == {str(len(pages))}  # "av Y" is the page count on every page
    assert [int(n) for n, _ in pages] == list(range(1, len(pages) + 1))
    assert text.count("Periodrapport 2025-T3") >= len(pages)  # the header on every page
    assert "Datum: 20 januari 2026" in text
    assert "Tertial 3 2025, september–december" in text
    assert "Kundcentret besvarade" in text


def test_the_first_page_renders_to_png(report_pdf):
    png = first_page_png(report_pdf, "periodrapport-2025-T3-sv")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000


def test_render_picks_the_format(built_report):
    assert render(built_report, "html", "sv").startswith(b"<!DOCTYPE html>")
    assert render(built_report, "json", "en").startswith(b"{")
    with pytest.raises(ValueError, match="no report format"):
        render(built_report, "docx", "sv")
    with pytest.raises(ValueError, match="no report texts"):
        catalog("de")


def test_text_in_the_page_rules_cannot_break_out_of_its_string():
    assert css_string('Kund"center\\') == "Kund\\22 center\\5c "
