"""PyYAML for front matter: the safe loader that refuses aliases, the dumper that quotes what a
YAML reader could take for something else. Imported only where front matter is read or
written (PyYAML costs a command about 8 ms to import; a search needs none of it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import yaml

from opedarchive.model import _AMBIGUOUS, _NEEDS_ESCAPE


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader that refuses aliases: they let a few bytes expand exponentially."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                None, None, "YAML aliases (*name) are not allowed in front matter", event.start_mark
            )
        return super().compose_node(parent, index)


_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str, *, refuse_aliases: bool) -> Any:
    """Parse YAML safely (no tags); with `refuse_aliases` (text that may hold one), by the
    slower loader that refuses them."""
    return yaml.load(text, Loader=_NoAliasLoader if refuse_aliases else _FAST_LOADER)


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _NEEDS_ESCAPE.search(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if _AMBIGUOUS.match(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _represent_datetime(dumper: yaml.SafeDumper, value: datetime) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(datetime, _represent_datetime)


_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()  # the one the safe dumper asks


def resolves_to_str(text: str) -> bool:
    """True when a YAML reader takes `text`, written plain, for a string."""
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG  # type: ignore[no-untyped-call,no-any-return]


def dump(meta: dict[str, Any]) -> str:
    """Block-style YAML: keys in order, Unicode as is, ambiguous strings quoted."""
    return yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000,
                     default_flow_style=False)
