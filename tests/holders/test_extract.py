"""The plain texts of the data files reach the messages catalog, with a comment naming
the holder, and `lotse i18n check` knows them."""

from __future__ import annotations

import io
import json
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.holders.checks import DATA_DIR
from bot.holders.extract import METHOD, PATTERN, extract_holders

ROOT = Path(__file__).resolve().parents[2]


def test_every_plain_text_is_extracted_with_its_holder() -> None:
    raw = (DATA_DIR / "holders" / "azr.json").read_bytes()
    found = list(extract_holders(io.BytesIO(raw), {"t": None}, ["TRANSLATORS:"], {}))
    messages = [message for _line, _fn, message, _comments in found]
    data = json.loads(raw)
    assert data["plain-name"] in messages
    assert data["recipients"][0]["plain"] in messages
    assert data["online"]["plain"] in messages
    line, function, message, comments = found[0]
    assert function == "t"
    assert comments[0].startswith("TRANSLATORS: data-holder catalog, holder azr")
    text_lines = raw.decode().splitlines()
    assert json.dumps(message, ensure_ascii=False) in text_lines[line - 1]


def test_nothing_for_another_domain() -> None:
    raw = (DATA_DIR / "holders" / "azr.json").read_bytes()
    assert list(extract_holders(io.BytesIO(raw), {"_": None}, [], {})) == []


def test_the_template_and_every_catalog_have_the_texts() -> None:
    extracted = {
        message
        for _f, _l, message, _c, _ctx in extract_from_dir(
            ROOT / "bot", method_map=[(PATTERN, METHOD)], keywords={"t": None}
        )
    }
    assert "Central Register of Foreign Nationals (AZR)" in extracted
    cockpit = json.loads((DATA_DIR / "cockpit.json").read_text(encoding="utf-8"))
    assert cockpit["plain"] in extracted
    with (ROOT / "locales" / "messages.pot").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    assert extracted <= template
    for lang in ("ar", "ti", "de"):
        with (ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalog = read_po(handle)
        assert all(catalog[m] is not None and catalog[m].string for m in extracted), lang
    assert "holders" in (ROOT / "locales" / "babel.cfg").read_text(encoding="utf-8")


def test_flows_show_the_texts_translated(tmp_path: Path) -> None:
    """What a flow does: Text(msgid, {}) from a record, rendered in the person's language."""
    from bot.config import load_settings
    from bot.holders import load_catalog
    from bot.i18n import Catalogs
    from bot.kernel.types import Text

    settings = load_settings(data_dir=tmp_path, require_secret=False, _env_file=None)
    azr = load_catalog(settings).get("azr")
    assert azr is not None
    catalogs = Catalogs(ROOT / "locales")
    assert catalogs["de"].text(Text(azr.plain_name, {})) == "Ausländerzentralregister (AZR)"
    assert catalogs["en"].text(Text(azr.plain_name, {})) == azr.plain_name
    for lang, translator in catalogs.all().items():
        for held in azr.holds:
            rendered = translator.text(Text(held.plain, {}))
            assert rendered and (lang == "en" or rendered != held.plain), lang
