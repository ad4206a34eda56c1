"""Limits a policy's YAML must stay within, checked before anything builds the document.

A policy is at most 1 MiB (checked by the loader), 100,000 YAML nodes with every alias expanded
(a billion-laughs document of 506 bytes expands to ~10⁹), 64 nested ``[``/``{`` (YAML scanners
are quadratic in that depth) and 64 nested collections (libyaml's composer recurses in C).
"""

from __future__ import annotations

import re

import yaml

FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml, ~20x faster, when present
MAX_POLICY_BYTES = 1 << 20
MAX_NODES = 100_000
MAX_FLOW_DEPTH = 64
MAX_DEPTH = 64


class TooLarge(Exception):
    """A limit is exceeded: ``message`` says which, ``line`` where (1-based)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message, self.line = message, line


def check_limits(text: str) -> None:
    """Raise :class:`TooLarge` at the first limit ``text`` exceeds; syntax errors are left to the parse."""
    check_flow_depth(text)
    check_expansion(text)


def check_flow_depth(text: str) -> None:
    """Refuse ``[[[[...`` before the scanner sees it (brackets inside quotes count too: a bound)."""
    depth = 0
    for match in re.finditer(r"[\[\]{}]", text):
        if match.group() in "[{":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                raise TooLarge(f"more than {MAX_FLOW_DEPTH} nested brackets; a policy needs a few", line)
        else:
            depth = max(depth - 1, 0)


_NODE = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)


def check_expansion(text: str, loader: type = FAST_LOADER) -> None:
    """Count the nodes a consumer would see, each aliased node once per use, from the event stream.

    Streaming (with libyaml when installed) stops at the first node over the limit, before PyYAML
    builds anything; a syntax error is left to the full parse, which words it with its line.
    """
    sizes: dict[str | None, int] = {}  # each anchor's expanded size, once its node is complete
    open_nodes: list[tuple[str | None, int]] = []  # (anchor, nodes counted before it started)
    total = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                if any(anchor == event.anchor for anchor, _ in open_nodes):
                    raise TooLarge("an alias refers to the node that contains it", event.start_mark.line + 1)
                total += sizes.get(event.anchor, 0)  # an undefined alias: the full parse names it
            elif isinstance(event, _NODE):
                total += 1
                if isinstance(event, yaml.ScalarEvent):
                    sizes[event.anchor] = 1
                else:
                    open_nodes.append((event.anchor, total - 1))
                    if len(open_nodes) > MAX_DEPTH:
                        raise TooLarge(f"nested more than {MAX_DEPTH} levels deep", event.start_mark.line + 1)
            elif isinstance(event, yaml.CollectionEndEvent):
                anchor, before = open_nodes.pop()
                sizes[anchor] = total - before
            if total > MAX_NODES:
                message = (
                    f"more than {MAX_NODES:,} values once YAML aliases are expanded; write the values out"
                )
                raise TooLarge(message, event.start_mark.line + 1)
    except yaml.YAMLError:
        if loader is not yaml.SafeLoader:  # PyYAML may accept what libyaml refuses: check its way too
            check_expansion(text, yaml.SafeLoader)
