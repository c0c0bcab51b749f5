"""The moduleId registry: who may come through the door."""

from __future__ import annotations

from doorman.core.config import MODULE_NAME, ModuleConfig
from doorman.core.errors import InvalidModuleName, ModuleRequired, UnknownModule


class ModuleRegistry:
    def __init__(self, modules: dict[str, ModuleConfig]):
        self.modules = modules

    def names(self) -> list[str]:
        return sorted(self.modules)

    def admit(self, module_id: str | None) -> ModuleConfig:
        """The module's config, or an AdmissionError that lists the known modules."""
        known = ", ".join(self.names()) or "none"
        if not module_id:
            raise ModuleRequired(f"no moduleId given: pass --module NAME (known modules: {known})")
        if not MODULE_NAME.fullmatch(module_id):
            raise InvalidModuleName(
                f"invalid moduleId {module_id[:64]!r}: use lowercase letters, digits, '.', '_' or '-', "
                f"at most 64 characters (known modules: {known})"
            )
        if module_id not in self.modules:
            raise UnknownModule(f"unknown module {module_id!r} (known modules: {known})")
        return self.modules[module_id]
