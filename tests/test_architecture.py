"""The import graph of bot/, storage/ and domain/: no cycles (TYPE_CHECKING imports included), and
every dependency points inward.

domain ← storage ← bot. Inside bot: core ← text ← telegram ← the feature packages; a feature
imports another feature only through its service.py. Only a feature's handlers.py (and the
plumbing in bot/telegram/) may import telegram.ext; no use case (service.py) imports telegram at
all. bot/app.py, bot/cli.py, bot/demo/ and bot/sandbox/ put everything together and may import
anything, as long as no cycle results.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "storage", "domain")
COMPOSITION = ("bot.app", "bot.cli", "bot.demo", "bot.sandbox")
LAYERS = ("bot.core", "bot.text", "bot.telegram")  # each may import only the ones before it
# What the domain may not touch: databases, Telegram, the network, files.
IMPURE = (
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "telegram",
    "httpx",
    "psycopg",
    "sqlite3",
    "openpyxl",
    "matplotlib",
    "os",
    "pathlib",
    "io",
    "socket",
    "subprocess",
    "requests",
)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """Every module `name` imports, anywhere in the file: at the top, in functions, under TYPE_CHECKING."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield full if full in known else base


GRAPH = {name: set(imports_of(name, path, set(modules()))) for name, path in modules().items()}
INTERNAL = {name: {m for m in imported if m in GRAPH and m != name} for name, imported in GRAPH.items()}


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def feature_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "bot" or len(parts) < 2 or any(within(module, p) for p in COMPOSITION + LAYERS):
        return None
    return ".".join(parts[:2])


def cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(INTERNAL[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(INTERNAL):
        if node not in index:
            visit(node)
    return found


def test_the_graph_is_read_from_every_module():
    assert {"bot.app", "bot.core.baton", "storage.uow", "domain.attribution"} <= set(GRAPH)
    assert "storage.uow" in INTERNAL["bot.core.baton"], "the checks below would pass on an empty graph"


def test_there_is_no_import_cycle_anywhere():
    assert cycles() == []


def test_the_cycle_finder_finds_a_cycle():
    INTERNAL["domain.time"].add("domain.attribution")  # domain.attribution imports domain.time
    try:
        assert any({"domain.time", "domain.attribution"} <= set(c) for c in cycles())
    finally:
        INTERNAL["domain.time"].discard("domain.attribution")


def test_the_domain_imports_no_adapter_and_nothing_impure():
    wrong = {
        name: sorted(m for m in imported if m.split(".")[0] in ("bot", "storage") or m.split(".")[0] in IMPURE)
        for name, imported in GRAPH.items()
        if within(name, "domain")
    }
    assert {name: found for name, found in wrong.items() if found} == {}


def test_storage_does_not_know_the_bot():
    wrong = {name: sorted(m for m in imported if within(m, "bot")) for name, imported in GRAPH.items() if within(name, "storage")}
    assert {name: found for name, found in wrong.items() if found} == {}


def test_the_bot_core_layers_only_look_inward():
    problems = []
    for name, imported in INTERNAL.items():
        layer = next((i for i, p in enumerate(LAYERS) if within(name, p)), None)
        if layer is None:
            continue
        allowed = LAYERS[: layer + 1]
        problems += [f"{name} -> {m}" for m in imported if within(m, "bot") and not any(within(m, p) for p in allowed)]
    assert problems == []


def test_the_core_knows_no_telegram():
    assert {
        name: sorted(m for m in imported if within(m, "telegram"))
        for name, imported in GRAPH.items()
        if within(name, "bot.core") and any(within(m, "telegram") for m in imported)
    } == {}


def test_a_feature_reaches_another_only_through_its_service():
    problems = []
    for name, imported in INTERNAL.items():
        own = feature_of(name)
        if own is None:
            continue
        for module in imported:
            other = feature_of(module)
            if other is not None and other != own and module != f"{other}.service":
                problems.append(f"{name} -> {module}")
    assert problems == []


def test_only_handlers_import_telegram_ext_and_no_use_case_imports_telegram():
    problems = []
    for name, imported in GRAPH.items():
        if feature_of(name) is None:
            continue
        leaf = name.rsplit(".", 1)[-1]
        if leaf != "handlers" and leaf != "jobs" and any(within(m, "telegram.ext") for m in imported):
            problems.append(f"{name} imports telegram.ext")
        if leaf == "service" and any(within(m, "telegram") for m in imported):
            problems.append(f"{name} (a use case) imports telegram")
    assert problems == []
