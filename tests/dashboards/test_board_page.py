"""The improvement board (/board) in real headless Chromium against the shared demo stack (today 2026-11-18).

A manager proposes an item through the form (the API's refusal of an empty title shown at the field);
facilities, in another browser context, moves it to "in progress"; the manager, after a reload, sees the
new status and the history with both changes and who made them. An edit of a version someone else has
changed meanwhile is refused (412) and the form says so and reads the item again. HR sees the board with
no edit control at all. The weekly meeting's view lists the new item as new and an overdue one as overdue;
a done item shows its measured effect. Both languages, a tablet's width, axe-core clean, screenshots.

The tests of this module run in order on one set of logins (module-scoped contexts): each builds on the
board the one before left.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, expect

from api.security import Role
from tests.dashboards.a11y import assert_accessible
from tests.dashboards.conftest import ARTIFACTS, png_size
from tests.dashboards.stack import DemoStack, Sessions
from tests.dashboards.stack import call as api

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "pages"
TITLE = "Tystare telefonhörnor i svarsgrupp 5"
# The demo stack's own items (tests/dashboards/stack.py): in progress and 12 days overdue; done in z3 on 4 May.
OVERDUE_TITLE = "Sound absorbers in answer group 5"
DONE_TITLE = "Rebalance the ventilation in answer group 3"
FOLLOW_UP_TIMEOUT = 120_000  # ms: a board change makes the API recompute the analysis the follow-up is read from


def refused_request(msg: ConsoleMessage) -> bool:
    """Chromium logs an answered 412 or 422 as a failed resource: the page expects and shows them."""
    return "Failed to load resource" in msg.text and bool(re.search(r"\b(412|422)\b", msg.text))


def board_shown(page: Page) -> None:
    """The board has drawn its cards."""
    expect(page.locator("#board-columns .board-card").first).to_be_visible()


def item_id(stack: DemoStack, title: str) -> int:
    items = api(stack, Role.MANAGER, "GET", "/board/items", params={"limit": 500}).json()["items"]
    return next(i["id"] for i in items if i["title"] == title)


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    width, height = png_size(path)
    assert width >= 768
    assert height > 400


def card(page: Page, status: str, title: str) -> Locator:
    return page.locator(f'.board-col[data-status="{status}"] .board-card', has_text=title)


@pytest.fixture(scope="module")
def board(demo_stack: DemoStack, browser: Browser) -> Iterator[Sessions]:
    """The logins of the module's tests on the demo stack's board, closed at the end."""
    state = Sessions(demo_stack, browser, "/board", height=1000, ignore=refused_request, ready=board_shown)
    try:
        yield state
    finally:
        state.close()


def test_a_manager_proposes_an_item_and_the_api_refusal_shows_at_the_field(board: Sessions) -> None:
    page = board.session("manager").page
    expect(page.locator("h1#board-main-title")).to_have_text("Förbättringstavla")
    expect(page.locator("#board-readonly")).to_be_hidden()
    page.click("#board-new")
    dialog = page.locator("#form-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("h2")).to_have_text("Nytt förslag")
    # No title: the API refuses it (422), and the page says why at the title field, in Swedish.
    page.click("#form-save")
    expect(page.locator("#f-title-error")).to_have_text("Skriv en rubrik (högst 200 tecken).")
    expect(page.locator("#f-title")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-title")).to_be_focused()
    assert_accessible(page)

    page.fill("#f-title", TITLE)
    page.fill("#f-description", "Högt ljud vid telefonerna på eftermiddagarna.")
    page.select_option("#f-zone", "z5")
    page.select_option("#f-action", "acoustic_absorbers")  # the catalogue (GET /actions) is there at once
    page.fill("#f-owner", "Anna Lind")
    page.fill("#f-due_date", "2027-01-29")
    page.click("#form-save")
    expect(dialog).to_be_hidden()
    expect(page.locator("#board-announce")).to_contain_text(TITLE)
    new = card(page, "proposed", TITLE)
    expect(new).to_be_visible()
    expect(new).to_contain_text("Anna Lind")
    expect(new).to_contain_text("29 jan. 2027")
    expect(new).to_contain_text("Ljudabsorbenter")  # the action's Swedish name, not its key
    # The overdue item says so in words, not by colour alone.
    expect(card(page, "in_progress", OVERDUE_TITLE).locator(".overdue")).to_have_text("▲ Försenad 12 dagar")
    assert_accessible(page)
    assert board.sessions["manager-sv-1440"].errors == []


def test_facilities_moves_it_to_in_progress_in_another_browser(board: Sessions) -> None:
    page = board.session("facilities").page
    proposed = card(page, "proposed", TITLE)
    expect(proposed).to_be_visible()
    proposed.get_by_role("button", name="Ändra").click()
    expect(page.locator("#form-dialog h2")).to_have_text("Ändra förslag")
    expect(page.locator("#f-title")).to_have_value(TITLE)
    expect(page.locator("#form-save")).to_be_enabled()
    page.select_option("#f-status", "in_progress")
    page.click("#form-save")
    expect(page.locator("#form-dialog")).to_be_hidden()
    expect(card(page, "in_progress", TITLE)).to_be_visible()
    expect(proposed).to_have_count(0)
    shot(page, "board-facilities-sv")
    assert board.sessions["facilities-sv-1440"].errors == []


def test_the_manager_sees_the_new_status_and_both_changes_with_who(board: Sessions) -> None:
    page = board.session("manager").page
    page.reload()
    moved = card(page, "in_progress", TITLE)
    expect(moved).to_be_visible()
    moved.locator(".card-open").click()
    dialog = page.locator("#item-dialog")
    expect(dialog).to_be_visible()
    history = dialog.locator(".history li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("Lades upp med status Ny")
    expect(history.nth(0)).to_contain_text("av manager")
    expect(history.nth(1)).to_contain_text("Status: Ny → Pågår")
    expect(history.nth(1)).to_contain_text("av facilities")
    expect(dialog.locator(".detail-facts")).to_contain_text("Pågår")
    expect(page.locator("#item-dialog-edit")).to_be_visible()
    assert_accessible(page)
    shot(page, "board-manager-sv-details")
    dialog.get_by_role("button", name="Stäng").click()
    expect(dialog).to_be_hidden()
    expect(moved.locator(".card-open")).to_be_focused()  # focus goes back where it was


def test_an_edit_of_an_item_changed_meanwhile_is_refused_and_the_item_read_again(board: Sessions) -> None:
    page = board.session("manager").page
    card(page, "in_progress", TITLE).get_by_role("button", name="Ändra").click()
    expect(page.locator("#f-owner")).to_have_value("Anna Lind")
    expect(page.locator("#form-save")).to_be_enabled()
    # Facilities changes the owner while the manager has the form open.
    changed = api(board.stack, Role.FACILITIES, "PATCH", f"/board/items/{item_id(board.stack, TITLE)}",
                  json={"owner": "Erik Berg"})  # fmt: skip
    changed.raise_for_status()
    page.fill("#f-due_date", "2027-02-26")
    page.click("#form-save")
    notice = page.locator("#form-notice")
    expect(notice).to_contain_text("Någon annan ändrade förslaget")
    expect(page.locator("#form-dialog")).to_be_visible()
    expect(page.locator("#f-owner")).to_have_value("Erik Berg")  # read again: the other change shows
    page.fill("#f-due_date", "2027-02-26")
    page.click("#form-save")
    expect(page.locator("#form-dialog")).to_be_hidden()
    # The board was drawn again behind the dialog: focus goes to the Edit button drawn in place of the one pressed.
    expect(card(page, "in_progress", TITLE).get_by_role("button", name="Ändra")).to_be_focused()
    expect(card(page, "in_progress", TITLE)).to_contain_text("26 feb. 2027")
    expect(card(page, "in_progress", TITLE)).to_contain_text("Erik Berg")
    assert board.sessions["manager-sv-1440"].errors == []


def test_the_weekly_meeting_lists_the_new_item_as_new_and_the_overdue_one_as_overdue(board: Sessions) -> None:
    page = board.session("manager").page
    page.get_by_role("tab", name=re.compile("Veckomötet")).click()
    expect(page.locator("#view-meeting")).to_be_visible()
    expect(page.locator("#view-board")).to_be_hidden()
    new = page.locator("#meeting-new")
    expect(new.locator("tbody tr", has_text=TITLE)).to_have_count(1)
    overdue = page.locator("#meeting-overdue")
    row = overdue.locator("tbody tr", has_text=OVERDUE_TITLE)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Försenad 12 dagar")
    expect(overdue.locator("tbody tr", has_text=TITLE)).to_have_count(0)  # due next year
    expect(page.locator("#meeting-summary")).to_contain_text(re.compile(r"försenade: [1-9]"))
    assert_accessible(page)
    shot(page, "board-manager-sv-meeting")
    page.get_by_role("tab", name="Tavlan").click()
    expect(page.locator("#view-board")).to_be_visible()


def test_a_done_item_shows_its_measured_effect_with_interval_and_words(board: Sessions) -> None:
    page = board.session("manager").page
    done = card(page, "done", DONE_TITLE)
    expect(done).to_be_visible()
    effect = done.locator(".card-effect")
    expect(effect).to_contain_text("Uppmätt effekt")
    lines = effect.locator(".effect-line")
    expect(lines.first).to_be_visible(timeout=FOLLOW_UP_TIMEOUT)
    expect(lines.first).to_contain_text("Koldioxid")  # the item's quantity first
    # Sick leave is one small answer group's: the manager sees that it is withheld, or a ratio only.
    sick = lines.filter(has_text="Korttidsfrånvaro")
    expect(sick).to_have_count(1)
    expect(sick).to_contain_text(re.compile(r"visas bara för HR|kvot"))
    done.locator(".card-open").click()
    words = page.locator("#item-dialog .effect-list li")
    expect(words.first).to_be_visible()
    text = page.locator("#item-dialog .detail-section", has_text="Uppmätt effekt").inner_text()
    assert "Jämför" in text
    assert "övriga zoner" in text
    assert re.search(r"konfidensintervall|för tidigt att säga|för lite data", text), text
    assert "interval " not in text
    assert "Shown to HR" not in text
    page.locator("#item-dialog").get_by_role("button", name="Stäng").click()
    shot(page, "board-manager-sv")


def test_hr_reads_the_board_without_any_edit_control(board: Sessions) -> None:
    session = board.session("hr")
    page = session.page
    expect(card(page, "in_progress", TITLE)).to_be_visible()
    expect(page.locator("#board-readonly")).to_be_visible()
    expect(page.locator("#board-new")).to_be_hidden()
    expect(page.get_by_role("button", name=re.compile("^Ändra"))).to_have_count(0)
    expect(page.locator(".card-actions")).to_have_count(0)
    card(page, "in_progress", TITLE).locator(".card-open").click()
    expect(page.locator("#item-dialog .history li")).to_have_count(4)
    expect(page.locator("#item-dialog-edit")).to_be_hidden()
    assert_accessible(page)
    page.locator("#item-dialog").get_by_role("button", name="Stäng").click()
    # HR may see a small group's sick leave: the follow-up is not withheld from them.
    done = card(page, "done", DONE_TITLE)
    expect(done.locator(".effect-line").first).to_be_visible(timeout=FOLLOW_UP_TIMEOUT)
    expect(done.locator(".effect-line", has_text="Korttidsfrånvaro")).not_to_contain_text("visas bara för HR")
    shot(page, "board-hr-sv")
    assert session.errors == []


def test_the_board_in_english(board: Sessions) -> None:
    session = board.session("manager", lang="en")
    page = session.page
    expect(page.locator("h1#board-main-title")).to_have_text("Improvement board")
    expect(page.locator("#board-new")).to_contain_text("New proposal")
    expect(page.locator("#col-in_progress-title")).to_contain_text("In progress")
    expect(card(page, "in_progress", OVERDUE_TITLE).locator(".overdue")).to_have_text("▲ Overdue by 12 days")
    expect(card(page, "in_progress", TITLE)).to_contain_text("26 Feb 2027")
    expect(card(page, "in_progress", OVERDUE_TITLE)).to_contain_text("Acoustic absorbers", timeout=FOLLOW_UP_TIMEOUT)
    expect(card(page, "done", DONE_TITLE).locator(".effect-line").first).to_contain_text("CO₂")
    page.get_by_role("tab", name=re.compile("Weekly meeting")).click()
    expect(page.locator("#meeting-overdue")).to_contain_text("Overdue by 12 days")
    assert_accessible(page)
    page.get_by_role("tab", name="The board").click()
    shot(page, "board-manager-en")
    hr = board.session("hr", lang="en")
    expect(hr.page.locator("#board-readonly")).to_contain_text("You can read the board")
    expect(card(hr.page, "done", DONE_TITLE).locator(".effect-line").first).to_be_visible(timeout=FOLLOW_UP_TIMEOUT)
    shot(hr.page, "board-hr-en")
    assert session.errors == []
    assert hr.errors == []


def test_on_a_tablet_the_columns_stack(board: Sessions) -> None:
    session = board.session("facilities", width=768)
    page = session.page
    boxes = [page.locator(f'.board-col[data-status="{s}"]').bounding_box() for s in ("proposed", "in_progress")]
    assert boxes[0] is not None
    assert boxes[1] is not None
    assert boxes[0]["x"] == boxes[1]["x"]
    assert boxes[1]["y"] > boxes[0]["y"] + boxes[0]["height"] - 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    expect(card(page, "done", DONE_TITLE).locator(".effect-line").first).to_be_visible(timeout=FOLLOW_UP_TIMEOUT)
    assert_accessible(page)
    shot(page, "board-facilities-sv-tablet")
    assert session.errors == []
