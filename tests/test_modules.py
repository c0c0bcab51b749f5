import pytest

from doorman.core.config import ModuleConfig
from doorman.core.errors import InvalidModuleName, ModuleRequired, UnknownModule
from doorman.modules import ModuleRegistry

REGISTRY = ModuleRegistry({"demo": ModuleConfig("demo"), "legal": ModuleConfig("legal")})


def test_a_known_module_is_admitted():
    assert REGISTRY.admit("legal").name == "legal"


def test_a_missing_module_is_refused_listing_the_known_ones():
    with pytest.raises(ModuleRequired, match="known modules: demo, legal"):
        REGISTRY.admit(None)


def test_an_unknown_module_is_refused_listing_the_known_ones():
    with pytest.raises(UnknownModule, match="unknown module 'hr' \\(known modules: demo, legal\\)"):
        REGISTRY.admit("hr")


@pytest.mark.parametrize("name", ["Demo", "-x", "a b", "x" * 65, "../etc"])
def test_malformed_module_names_are_refused(name):
    with pytest.raises(InvalidModuleName):
        REGISTRY.admit(name)
