"""The layout shows the architecture: no import circle, and `partners` never imports `assessments`.

Every project module is parsed with `ast` (nothing is imported), every import it makes,
at the top or inside a function, becomes an edge, and the graph must have no cycle: neither
between modules nor between the packages `core`, `trustapp`, `accounts`, `partners` and
`assessments` (tests left out: they may drive the whole project).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "trustapp", "accounts", "partners", "assessments")
ASSESSMENTS_ROOT_MODULES = {
    "__init__",
    "access",
    "admin",
    "api",
    "apps",
    "forms",
    "models",
    "receivers",
    "selectors",
    "serializers",
    "services",
    "tasks",
    "urls",
    "views",
}
ASSESSMENTS_SUBPACKAGES = {"engine", "pages", "demo", "management", "migrations", "tests"}


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules():
    return {
        module_name(path): path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }


def imported_names(tree, module, is_package):
    """Dotted names each import statement of `tree` refers to, relative ones resolved."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph():
    modules = project_modules()
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        names = imported_names(tree, name, path.name == "__init__.py")
        graph[name] = {target for target in names if target in modules and target != name}
    return graph


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_cycle_finder_finds_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_relative_imports_resolve_against_their_package():
    tree = ast.parse("from ..engine import scoring\nfrom . import charts\n")
    names = set(imported_names(tree, "assessments.pages.progress", is_package=False))
    assert "assessments.engine.scoring" in names
    assert "assessments.pages.charts" in names


def test_no_module_imports_one_that_imports_it_back():
    graph = import_graph()
    assert len(graph) > 50, "the walk must see the project's modules"
    assert cycles(graph) == []


def package_graph(graph):
    """The module graph folded onto top-level packages, without the tests' imports."""
    packages = {}
    for name, targets in graph.items():
        if ".tests" in f".{name}":
            continue
        package = packages.setdefault(name.partition(".")[0], set())
        package.update(target.partition(".")[0] for target in targets)
    return {name: targets - {name} for name, targets in packages.items()}


def test_package_graph_folds_modules_and_ignores_tests():
    graph = {
        "partners.api": {"trustapp.api"},
        "trustapp.urls": {"partners.urls"},
        "partners.urls": set(),
        "trustapp.api": set(),
        "assessments.tests.test_x": {"trustapp.api"},
    }
    assert package_graph(graph) == {"partners": {"trustapp"}, "trustapp": {"partners"}}
    assert cycles(package_graph(graph)) == [["partners", "trustapp"]]


def test_no_package_imports_one_that_imports_it_back():
    packages = package_graph(import_graph())
    assert set(packages) == set(PACKAGES)
    assert cycles(packages) == []


def test_core_imports_no_project_package():
    # Every package may import `core` because `core` imports none of them.
    assert package_graph(import_graph())["core"] == set()


def test_partners_never_imports_assessments():
    # Its tests may: they check that evidence reaches the score.
    offenders = sorted(
        f"{name} -> {target}"
        for name, targets in import_graph().items()
        if name.startswith("partners") and not name.startswith("partners.tests")
        for target in targets
        if target.startswith("assessments")
    )
    assert offenders == []


@pytest.mark.parametrize(
    "path", sorted((ROOT / "assessments").iterdir()), ids=lambda path: path.name
)
def test_assessments_root_holds_only_the_django_skeleton(path):
    if path.name == "__pycache__":
        return
    if path.is_dir():
        assert path.name in ASSESSMENTS_SUBPACKAGES
    else:
        assert path.suffix == ".py" and path.stem in ASSESSMENTS_ROOT_MODULES
