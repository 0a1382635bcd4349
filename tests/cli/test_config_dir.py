"""Where the command line tool keeps its saved session."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from nextschool.cli._config import SessionConfig, config_dir


@pytest.fixture
def no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEXTSCHOOL_CONFIG_DIR", raising=False)


def test_explicit_directory_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEXTSCHOOL_CONFIG_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert config_dir() == tmp_path / "mine"
    assert SessionConfig().directory == tmp_path / "mine"


@pytest.mark.usefixtures("no_override")
def test_platform_config_folder() -> None:
    expected = platformdirs.user_config_path("nextschool", appauthor=False, roaming=True)
    assert config_dir() == expected


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG rule is the Linux convention")
@pytest.mark.usefixtures("no_override")
def test_linux_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert config_dir() == tmp_path / "xdg" / "nextschool"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert config_dir() == tmp_path / "home" / ".config" / "nextschool"


@pytest.mark.usefixtures("no_override")
def test_without_platformdirs_the_xdg_rule(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "platformdirs", None)  # import raises ImportError
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert config_dir() == tmp_path / "xdg" / "nextschool"
