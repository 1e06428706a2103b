"""The translation service in the caller's process, the worker in its own: real
translations with the tiny models, provenance, the time limit, a killed worker, honest
answers without a model, and the cache."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.config import Settings
from bot.translation import ModelUsed, Outcome, TranslationService, installed_models
from bot.translation.engine import BEAM_SIZE, LENGTH_PENALTY, LoadedModel, output_bound

FA = "سلام، برای درخواستم به کمک نیاز دارم."
FA_TWO_LINES = "سلام، برای درخواستم به کمک نیاز دارم.\n\nمشاوره کی باز است؟ فردا می‌آیم."


def _raw(directory: Path, *sentences: str) -> str:
    """Sentences of one line through CTranslate2 and SentencePiece directly, without
    Lotse, as argostranslate does it: each sentence translated, the tokens decoded together."""
    import ctranslate2
    import sentencepiece

    tokenizer = sentencepiece.SentencePieceProcessor(
        model_file=str(directory / "sentencepiece.model")
    )
    translator = ctranslate2.Translator(str(directory / "model"), device="cpu")
    output: list[str] = []
    for sentence in sentences:
        tokens = tokenizer.encode(sentence, out_type=str)
        result = translator.translate_batch(
            [tokens], beam_size=BEAM_SIZE, length_penalty=LENGTH_PENALTY, replace_unknowns=True,
            max_decoding_length=output_bound(len(tokens)),
        )  # fmt: skip
        output.extend(result[0].hypotheses[0])
    return str(tokenizer.decode(output)).strip()


def _read(path: str) -> bytes:
    return Path(path).read_bytes()


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


async def _gone(pid: int) -> bool:
    for _ in range(100):
        if not _alive(pid):
            return True
        await asyncio.sleep(0.02)
    return False


async def test_the_worker_translates_in_its_own_process_with_provenance(
    service: TranslationService, with_models: Callable[..., None], mt_dir: Path
) -> None:
    with_models("fa-en")
    result = await service.translate(FA, "fa", "en")
    assert result.outcome is Outcome.TRANSLATED and result.translated
    directory = installed_models(mt_dir)[("fa", "en")].path
    assert result.text == _raw(directory, FA) and result.text
    assert result.original == FA and (result.source, result.target) == ("fa", "en")
    assert result.path == ("fa", "en")
    assert result.models == (ModelUsed("fa", "en", "1.0"),)
    import ctranslate2

    assert result.engine is not None and result.engine.name == "ctranslate2/sentencepiece"
    assert result.engine.version.startswith(ctranslate2.__version__ + "/")
    assert result.cached is False
    assert result.provenance().startswith("translated: fa→en via fa-en 1.0 (ctranslate2/")
    # Its own process, with the engine's library loaded there.
    pid = service.pid
    assert pid is not None and pid != os.getpid() and _alive(pid)
    assert b"bot.translation.worker" in _read(f"/proc/{pid}/cmdline")
    assert b"libctranslate2" in _read(f"/proc/{pid}/maps")


async def test_line_breaks_are_kept_and_sentences_translated_each(
    service: TranslationService, with_models: Callable[..., None], mt_dir: Path
) -> None:
    with_models("fa-en")
    result = await service.translate(FA_TWO_LINES, "fa", "en")
    assert result.text is not None
    first, empty, second = result.text.split("\n")
    directory = installed_models(mt_dir)[("fa", "en")].path
    assert first == _raw(directory, FA) and empty == ""
    assert second == _raw(directory, "مشاوره کی باز است؟", "فردا می‌آیم.")


async def test_through_english_fa_en_de(
    service: TranslationService, with_models: Callable[..., None], mt_dir: Path
) -> None:
    with_models("fa-en", "en-de")
    result = await service.translate(FA, "fa", "de")
    assert result.outcome is Outcome.TRANSLATED
    assert result.path == ("fa", "en", "de")
    assert result.models == (ModelUsed("fa", "en", "1.0"), ModelUsed("en", "de", "1.0"))
    models = installed_models(mt_dir)
    english = LoadedModel(models[("fa", "en")].path).translate(FA)
    assert result.text == LoadedModel(models[("en", "de")].path).translate(english)
    assert result.text != english


async def test_past_the_time_limit_the_worker_is_restarted(
    service: TranslationService, with_models: Callable[..., None]
) -> None:
    with_models("fa-en")
    assert (await service.translate("سلام", "fa", "en")).translated
    first = service.pid
    assert first is not None
    slow = await service.translate(FA_TWO_LINES * 20, "fa", "en", limit=0.001)
    assert slow.outcome is Outcome.TIMEOUT and slow.text is None
    assert slow.original == FA_TWO_LINES * 20 and slow.shown() == slow.original
    assert slow.path == ("fa", "en")
    assert service.pid is None and await _gone(first)
    after = await service.translate("سلام", "fa", "en")
    assert after.outcome is Outcome.TRANSLATED
    assert service.pid is not None and service.pid != first


async def test_the_limit_covers_the_start(
    service: TranslationService, with_models: Callable[..., None]
) -> None:
    with_models("fa-en")
    result = await service.translate(FA, "fa", "en", limit=0.01)
    assert result.outcome is Outcome.TIMEOUT and service.pid is None
    assert (await service.translate(FA, "fa", "en")).translated


async def test_a_killed_worker_is_restarted(
    service: TranslationService, with_models: Callable[..., None]
) -> None:
    with_models("fa-en")
    before = await service.translate(FA, "fa", "en")
    first = service.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    assert await _gone(first)
    after = await service.translate(FA, "fa", "en")
    assert after.outcome is Outcome.TRANSLATED and after.text == before.text
    assert service.pid not in (None, first)


async def test_a_broken_model_fails_and_the_worker_serves_the_others(
    service: TranslationService, with_models: Callable[..., None], mt_dir: Path
) -> None:
    with_models("fa-en", "ar-en")
    (installed_models(mt_dir)[("ar", "en")].path / "model" / "model.bin").write_bytes(b"broken")
    broken = await service.translate("مرحبا", "ar", "en")
    assert broken.outcome is Outcome.FAILED and broken.text is None and broken.original == "مرحبا"
    pid = service.pid
    assert (await service.translate(FA, "fa", "en")).translated
    assert service.pid == pid  # an answer "failed" is not a crash: the same worker


async def test_without_a_model_nothing_is_started(service: TranslationService) -> None:
    missing = await service.translate(FA, "fa", "de")
    assert missing.outcome is Outcome.NOT_INSTALLED and missing.text is None
    assert missing.shown() == FA and missing.path == ()
    for language in ("ps", "ku", "ckb", "ti", "so"):
        none = await service.translate("متن", language, "de")
        assert none.outcome is Outcome.NO_MODEL_EXISTS and none.provenance() == "no-model-exists"
        assert (await service.translate("Text", "de", language)).outcome is Outcome.NO_MODEL_EXISTS
    same = await service.translate("Hallo", "de", "de")
    assert same.outcome is Outcome.SAME_LANGUAGE and same.text == "Hallo"
    with pytest.raises(ValueError, match="unknown language 'es'"):
        await service.translate("Hola", "es", "de")
    assert service.pid is None


async def test_without_the_engine_nothing_is_started(
    settings: Settings, with_models: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    with_models("fa-en")
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # as if the extra were missing
    service = TranslationService(settings)
    result = await service.translate(FA, "fa", "en")
    assert result.outcome is Outcome.ENGINE_MISSING and result.text is None
    assert service.pid is None
    await service.close()


async def test_the_cache_answers_repeats_and_forgets_the_oldest(
    settings: Settings, with_models: Callable[..., None], packages: Callable[..., Path],
    mt_dir: Path,
) -> None:  # fmt: skip
    with_models("fa-en")
    service = TranslationService(settings.model_copy(update={"mt_cache_entries": 2}))
    try:
        first = await service.translate(FA_TWO_LINES * 5, "fa", "en")
        started = time.perf_counter()
        again = await service.translate(FA_TWO_LINES * 5, "fa", "en")
        assert (first.cached, again.cached) == (False, True)
        assert again.text == first.text and again.provenance().endswith("from the cache)")
        assert time.perf_counter() - started < 1
        await service.translate("یک", "fa", "en")
        await service.translate("دو", "fa", "en")  # the third: the first is forgotten
        assert not (await service.translate(FA_TWO_LINES * 5, "fa", "en")).cached
        # A newer version of the model is loaded by the running worker, not served cached.
        from bot.translation import install

        install(mt_dir, packages("fa", "en", "1.1"))
        newer = await service.translate("دو", "fa", "en")
        assert not newer.cached and newer.models == (ModelUsed("fa", "en", "1.1"),)
    finally:
        await service.close()


async def test_no_cache_when_switched_off(
    settings: Settings, with_models: Callable[..., None]
) -> None:
    with_models("fa-en")
    service = TranslationService(settings.model_copy(update={"mt_cache_entries": 0}))
    try:
        for _ in range(2):
            assert not (await service.translate(FA, "fa", "en")).cached
    finally:
        await service.close()


async def test_close_ends_the_worker(
    service: TranslationService, with_models: Callable[..., None]
) -> None:
    with_models("fa-en")
    await service.translate(FA, "fa", "en")
    pid = service.pid
    assert pid is not None
    await service.close()
    assert service.pid is None and await _gone(pid)
    await service.close()  # twice is fine
