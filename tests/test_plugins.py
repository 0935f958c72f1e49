"""Users' strategy modules join the registry (README "Writing a strategy")."""

import pytest

from negotiation import registry
from negotiation.errors import ParameterError

MODULE = '''
from negotiation.registry import register_strategy
from negotiation.strategy import Strategy

@register_strategy
class PluginStubborn(Strategy):
    """Demands everything; test plugin."""
    name = "plugin-stubborn-{tag}"
    protocols = ("share-demanding",)

    def act(self, obs, space, rng):
        raise NotImplementedError
'''


def test_a_py_file_and_a_module_name_register_their_strategies(tmp_path, monkeypatch):
    f = tmp_path / "mine.py"
    f.write_text(MODULE.format(tag="file"))
    assert registry.load_strategy_modules([str(f)]) == ["plugin-stubborn-file"]
    assert registry.strategy("plugin-stubborn-file").name == "plugin-stubborn-file"

    (tmp_path / "mypkg_strats.py").write_text(MODULE.format(tag="mod"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert registry.load_strategy_modules("mypkg_strats") == ["plugin-stubborn-mod"]


def test_a_missing_or_broken_module_is_one_error_naming_it(tmp_path):
    with pytest.raises(ParameterError, match="no_such_module_xyz"):
        registry.load_strategy_modules(["no_such_module_xyz"])
    bad = tmp_path / "broken.py"
    bad.write_text("raise RuntimeError('boom')\n")
    with pytest.raises(ParameterError, match="boom"):
        registry.load_strategy_modules([str(bad)])
