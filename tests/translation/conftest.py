"""Tiny model packages built once per session (tests/support/mt_model.py), and a data
directory per test. Without the `mt` extra these tests skip, unless LOTSE_TEST_STRICT=1
(deploy/test.sh), when they fail."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.translation import TranslationService, available, install, mt_path
from tests.support.settings import STRICT

#: Each pair's model gets weights of its own.
SEEDS = {("fa", "en"): 1, ("en", "de"): 2, ("de", "en"): 3, ("ar", "en"): 4, ("en", "fa"): 5}

Packages = Callable[..., Path]


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Packages:
    """`packages("fa", "en", "1.0")`: the path of that tiny .argosmodel, built once."""
    if not available():
        if STRICT:
            pytest.fail("ctranslate2 and sentencepiece are missing (deploy/setup.sh --test)")
        pytest.skip("the mt extra (ctranslate2, sentencepiece) is not installed")
    from tests.support.mt_model import build_package

    folder = tmp_path_factory.mktemp("argosmodels")
    built: dict[tuple[str, str, str], Path] = {}

    def package(source: str, target: str, version: str = "1.0") -> Path:
        key = (source, target, version)
        if key not in built:
            name = f"translate-{source}_{target}-{version.replace('.', '_')}.argosmodel"
            seed = SEEDS.get((source, target), 9)
            built[key] = build_package(folder / name, source, target, version, seed=seed)
        return built[key]

    return package


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path / "data", require_secret=False, _env_file=None)


@pytest.fixture
def mt_dir(settings: Settings) -> Path:
    return mt_path(settings)


@pytest.fixture
def with_models(packages: Packages, mt_dir: Path) -> Callable[..., None]:
    def put(*pairs: str) -> None:
        for pair in pairs:
            source, target = pair.split("-")
            install(mt_dir, packages(source, target))

    return put


@pytest.fixture
async def service(settings: Settings) -> AsyncIterator[TranslationService]:
    translation = TranslationService(settings)
    yield translation
    await translation.close()
