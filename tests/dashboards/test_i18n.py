"""The pages' words: both languages hold the same keys, every key in use exists, pages come in the language asked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import Services
from api.pages import LANGUAGE_COOKIE
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from dashboards import STATIC_DIR
from dashboards.i18n import LANGUAGES, CatalogError, catalog, check_catalogs, translate
from dashboards.pages import PAGES, TEMPLATE_DIR, render
from gateway.deadletter_log import MemoryDeadLetterLog
from gateway.stores import MemoryReadingStore
from sensors.site import Site

# t("common.login.title") or t('hr.title', {...}) in templates and scripts; keys built at run time
# (t(`common.role.${role}`)) are listed in the catalogs and checked by the pages' browser tests instead.
KEY_USE = re.compile(r"""\bt\(\s*["']([a-z0-9_]+(?:\.[A-Za-z0-9_]+)+)["']""")


def used_keys() -> dict[str, list[Path]]:
    """Every literal catalog key the templates and page scripts use, with where."""
    found: dict[str, list[Path]] = {}
    files = [*TEMPLATE_DIR.glob("*.html"), *STATIC_DIR.glob("*.js"), *STATIC_DIR.glob("pages/*.js")]
    for path in files:
        for key in KEY_USE.findall(path.read_text(encoding="utf-8")):
            found.setdefault(key, []).append(path)
    return found


def test_every_language_has_the_same_keys() -> None:
    check_catalogs()
    assert set(catalog("sv")) == set(catalog("en"))
    assert len(catalog("sv")) > 50


def test_every_key_in_use_is_in_the_catalogs() -> None:
    keys = used_keys()
    assert "common.login.title" in keys  # the scan sees the shared template
    missing = {key: sorted(str(p.name) for p in paths) for key, paths in keys.items() if key not in catalog("sv")}
    assert not missing, f"keys used but in no catalog: {missing}"


def test_placeholders_agree_between_languages() -> None:
    holes = re.compile(r"\{(\w+)\}")
    for key, text in catalog("sv").items():
        assert set(holes.findall(text)) == set(holes.findall(catalog("en")[key])), key


def test_translate_fills_placeholders_and_shows_an_unknown_key() -> None:
    assert translate("sv", "common.week", week=48) == "v. 48"
    assert translate("en", "common.week", week=48) == "week 48"
    assert translate("sv", "common.no.such.key") == "common.no.such.key"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(CatalogError, match="no catalog"):
        catalog("de")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", [p for p in PAGES if (TEMPLATE_DIR / p.template).exists()], ids=lambda p: p.slug)
def test_every_page_renders_in_every_language(page: object, language: str) -> None:
    html = render(page, language)  # type: ignore[arg-type]
    assert f'<html lang="{language}">' in html
    assert "common." not in re.sub(r'<script id="messages".*?</script>', "", html, flags=re.S), "an untranslated key"


@pytest.fixture
def client(example_site: Site) -> TestClient:
    services = Services(
        example_site, MemoryReadingStore(), MemoryDeadLetterLog(), MemoryUserDirectory(), TokenSigner("i" * 40)
    )
    return TestClient(create_app(services, language="sv"))


def test_the_site_default_then_the_choice_kept_in_a_cookie(client: TestClient) -> None:
    first = client.get("/hr")
    assert first.status_code == 200
    assert '<html lang="sv">' in first.text
    assert "Logga in" in first.text
    assert first.headers["content-language"] == "sv"

    chosen = client.get("/hr?lang=en")
    assert '<html lang="en">' in chosen.text
    assert "Log in" in chosen.text
    assert chosen.cookies.get(LANGUAGE_COOKIE) == "en"
    kept = chosen.headers["set-cookie"].lower()
    assert "httponly" in kept  # no script on the page needs to read it
    assert "samesite=lax" in kept

    again = client.get("/board")  # another page, no ?lang: the cookie's language
    assert '<html lang="en">' in again.text


def test_a_language_it_does_not_know_falls_back_to_the_default(client: TestClient) -> None:
    page = client.get("/hr?lang=xx")
    assert '<html lang="sv">' in page.text
    assert LANGUAGE_COOKIE not in page.cookies


def test_the_language_links_keep_the_rest_of_the_address(client: TestClient) -> None:
    page = client.get("/zone?zone=z3&lang=sv")
    assert 'href="?zone=z3&amp;lang=en"' in page.text
    assert 'aria-current="true">Svenska' in page.text
