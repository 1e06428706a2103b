"""The chat page's language from its first byte, the language menu's structure in the
API, what a person typed, and the consent file in the person's language."""

from __future__ import annotations

import json
import re
from html import escape
from html.parser import HTMLParser

from bot.i18n import LANGUAGES, direction
from bot.runtime.services import Services
from bot.web.chat.ui import NO_SCRIPT, UI
from tests.support.factories import ChatPerson
from tests.support.flows import onboard


class Page(HTMLParser):
    """The parts of the page the tests read: the root's lang/dir, elements by id, the
    words block and the no-script notes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.root: dict[str, str | None] = {}
        self.by_id: dict[str, dict[str, str | None]] = {}
        self.texts: dict[str, str] = {}
        self.notes: list[tuple[str | None, str | None]] = []
        self._open: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.root = found
        if found.get("id"):
            self.by_id[str(found["id"])] = found
            self._open.append(str(found["id"]))
        if tag in ("p", "li") and (found.get("class") == "note" or tag == "li"):
            self.notes.append((found.get("lang"), found.get("dir")))

    def handle_data(self, data: str) -> None:
        if self._open:
            key = self._open[-1]
            self.texts[key] = self.texts.get(key, "") + data

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag in ("script", "span", "a", "label"):
            self._open.pop()


async def fetch_page(client, path: str = "/chat", **headers: str) -> tuple[Page, str]:
    response = await client.get(path, headers=headers)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/html")
    html = await response.text()
    return Page(html), html


async def test_the_page_is_in_the_asked_language_from_its_first_byte(
    client, services: Services
) -> None:
    for path, headers, lang in [
        ("/chat?lang=fa", {}, "fa"),
        ("/chat", {"Accept-Language": "uk-UA,uk;q=0.9,en;q=0.5"}, "uk"),
        ("/chat?lang=xx", {"Accept-Language": "ti"}, "ti"),
        ("/chat", {}, services.settings.default_language),
    ]:
        page, html = await fetch_page(client, path, **headers)
        words = services.catalogs[lang]
        assert page.root == {"lang": lang, "dir": direction(lang)}, path
        assert json.loads(page.texts["strings"]) == {k: words.text(v) for k, v in UI.items()}
        assert page.texts["label"] == words.text(UI["label"])
        assert page.by_id["go"]["aria-label"] == words.text(UI["send"])
        assert page.by_id["text"]["placeholder"] == words.text(UI["label"])
        assert page.texts["consents-text"] == words.text(UI["consents"])
        assert page.texts["a11y"] == words.text(UI["a11y"])
        assert page.by_id["a11y"]["href"] == f"/accessibility?lang={lang}"
        # No word of the page's frame is English unless the page is.
        for text in UI.values():
            if words.text(text) != text.msgid:
                assert not re.search(rf"\b{re.escape(text.msgid)}\b", html), (lang, text)


async def test_the_conversation_language_kept_by_the_page_comes_first(client) -> None:
    client.session.cookie_jar.update_cookies({"lotse-lang": "ar"})
    page, _ = await fetch_page(client, "/chat?lang=fa", **{"Accept-Language": "uk"})
    assert page.root == {"lang": "ar", "dir": "rtl"}
    # A link from a letter starts a new conversation: the old one's language does not count.
    page, _ = await fetch_page(client, "/chat?t=" + "a" * 32 + "&lang=fa")
    assert page.root["lang"] == "fa"
    client.session.cookie_jar.update_cookies({"lotse-lang": "<b>"})
    page, _ = await fetch_page(client, "/chat", **{"Accept-Language": "so"})
    assert page.root["lang"] == "so"


async def test_the_no_script_note_is_in_every_language_each_marked(
    client, services: Services
) -> None:
    page, html = await fetch_page(client, "/chat?lang=ckb")
    assert page.notes[0] == ("ckb", "rtl")  # the page's own language first
    assert sorted(page.notes) == sorted((code, direction(code)) for code in LANGUAGES)
    for code in LANGUAGES:
        assert escape(services.catalogs[code].text(NO_SCRIPT)) in html
    assert "hidden" in page.by_id["form"]  # a form that cannot work is not shown


async def test_the_language_menu_marks_each_line_and_button(client, services: Services) -> None:
    person = ChatPerson(client, services)
    await person.open(language="de")
    menu = (await person.choose("other-language"))[-1]
    assert menu["lang"] == "de"
    lines = menu["lines"]
    assert "\n".join(line["text"] for line in lines) == menu["text"]
    assert lines[0] == {"text": "🌐"}  # a symbol: no language of its own
    marked = {line["lang"]: line for line in lines[1:]}
    assert set(marked) == set(LANGUAGES)
    for code, line in marked.items():
        assert line["dir"] == direction(code)
        assert line["text"] == services.catalogs[code].gettext("Please choose your language.")
    for choice in menu["choices"]:
        code = choice["id"].removeprefix("lang:")
        assert choice["lang"] == code and choice["dir"] == direction(code)
    # Other messages carry no lines and their choices no language.
    about = (await person.choose("lang:ar"))[-1]
    assert "lines" not in about and all("lang" not in c for c in about["choices"])


async def test_what_a_person_typed_has_no_language_and_its_own_direction(
    client, services: Services
) -> None:
    person = ChatPerson(client, services)
    await person.open(language="de")
    await person.say("مرحبا")
    typed = next(m for m in person.seen if m["from"] == "person")
    assert typed["text"] == "مرحبا"
    assert (typed["lang"], typed["dir"]) == ("", "auto")


async def test_the_consent_file_is_in_the_persons_language(client, services: Services) -> None:
    person = ChatPerson(client, services)
    await person.open(language="ar")
    await onboard(person, ["yes"])
    response = await client.get(f"/chat/api/sessions/{person.session}/consents")
    document = await response.json()
    ar = services.catalogs["ar"]
    days = services.settings.retention_days
    assert document["language"] == "ar"
    assert document["retention_period"] == f"P{days}D"
    assert re.search("[\u0600-\u06ff]", document["retention"]) and str(days) in (
        document["retention"].translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
    )
    menu_word = ar.gettext("keyword-menu").split("|")[0]
    assert f"«{menu_word}»" in document["withdrawal_method"]
    assert "Settings" not in document["withdrawal_method"]
    (record,) = document["records"]
    # Codes stay codes: a program reads the same keys and values in every language.
    assert (record["purpose"], record["channel"], record["state"]) == (
        "contact",
        "webchat",
        "given",
    )
    assert re.search("[\u0600-\u06ff]", record["summary"])
    assert set(document) == {
        "schema_version", "language", "data_subject", "controller", "storage_location",
        "retention_period", "retention", "withdrawal_method", "records",
    }  # fmt: skip
