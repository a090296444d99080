"""House rules of the code itself."""
import ast
import importlib.util
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "plantrack"

# private imports allowed for now: none
ALLOWED: set[str] = set()
# private names read off other modules allowed for now: none
ALLOWED_ATTRIBUTES: set[str] = set()


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, here: str, is_package: bool) -> str:
    """The module a `from … import` names, with a relative one resolved against `here`."""
    if not node.level:
        return node.module or ""
    base = here.split(".") if is_package else here.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def private_imports(source_text: str, here: str, is_package: bool = False) -> list[str]:
    """`module: from source import _name` for every private name of another plantrack module that the
    module `here` imports (`from plantrack.x import _name`, `from .x import _name`), and `module:
    source._name` for one it reads off an imported plantrack module (`from plantrack.x import store`
    … `store._name`), each once."""
    tree = ast.parse(source_text)
    found, modules = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _absolute(node, here, is_package)
            if not source.startswith("plantrack"):
                continue
            for alias in node.names:
                if _private(alias.name) and source != here:
                    found.append(f"{here}: from {source} import {alias.name}")
                elif _is_module(f"{source}.{alias.name}"):
                    modules[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("plantrack") and alias.asname:
                    modules[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
                and _private(node.attr) and modules[node.value.id] != here):
            found.append(f"{here}: {modules[node.value.id]}.{node.attr}")
    return list(dict.fromkeys(found))


def test_the_check_finds_each_way_of_reaching_a_private_name():
    here = "plantrack.pipeline.outputs.digest"
    assert private_imports("from plantrack.pipeline.stages.load import now, _insert\n", here) == [
        f"{here}: from plantrack.pipeline.stages.load import _insert"]
    assert private_imports("from .export import _typed\n", here) == [
        f"{here}: from plantrack.pipeline.outputs.export import _typed"]
    assert private_imports("from ..stages import load\nload._insert(1)\n", here) == [
        f"{here}: plantrack.pipeline.stages.load._insert"]
    assert private_imports("import plantrack.pipeline.stages.load as s\ns._insert(1)\n", here) == [
        f"{here}: plantrack.pipeline.stages.load._insert"]
    # public names, dunders, a module's own names and other packages' are fine
    assert private_imports("from plantrack import __version__\nfrom os import _exit\n"
                           "from plantrack.pipeline.stages.load import now\n", here) == []


def _found() -> list[str]:
    return [f for path in sorted(PACKAGE.rglob("*.py"))
            for f in private_imports(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py")]


def test_no_private_imports():
    found = [f for f in _found() if " import " in f and f.rsplit(" ", 1)[-1] not in ALLOWED]
    assert found == [], "import a public name instead (make it public in its module):\n" + "\n".join(found)
    assert all(any(f.endswith(f" import {name}") for f in _found()) for name in ALLOWED), \
        "an allowed private import is gone: take it off ALLOWED"


def test_no_private_names_read_off_other_modules():
    found = [f for f in _found() if " import " not in f and f.rsplit(".", 1)[-1] not in ALLOWED_ATTRIBUTES]
    assert found == [], "use a public name instead (make it public in its module):\n" + "\n".join(found)


# ---- the house's floors: no import circle, no import running back up --------------------------------
# The layer order, lowest first. Each level names its rooms, each room the module prefixes it holds (a
# module is in the room of the longest prefix that fits it, so a new module is in its package's room).
# A room may import its own modules and any room on a lower level; nothing on its own level or above.
LEVELS: tuple[dict[str, tuple[str, ...]], ...] = (
    {"plantrack": ("plantrack",)},                   # the package's version
    {"models": ("plantrack.models",)},               # record types, document models, status scale, keys
    {"settings": ("plantrack.settings",)},           # the one settings table
    # the database (the ground floor), and extraction (files -> records, pure): neither knows the other
    {"store": ("plantrack.store",), "extract": ("plantrack.extract",)},
    # inside extraction: the recognisers and their vocabulary ("extract") read the format-neutral
    # models only; the readers turn a file into those models; document.py and flow.py take a file,
    # through its format's reader, to its records
    {"extract readers": tuple(f"plantrack.extract.{m}" for m in (
        "pdf", "words", "pdf_layout", "ocr", "ocr_engine", "scanned", "sniff", "docx_reader", "html_reader", "cost"))},
    {"extract entry": ("plantrack.extract.flow",)},
    {"extract document": ("plantrack.extract.document",)},
    # the pipeline's rooms
    {"pipeline": ("plantrack.pipeline",)},           # failures.py: why a file could not be read, for every room
    {"sources": ("plantrack.pipeline.sources",)},    # finding and fetching papers
    {"reconcile": ("plantrack.pipeline.reconcile",)},
    {"review": ("plantrack.pipeline.review",)},
    {"stages": ("plantrack.pipeline.stages",)},      # ingest: extract and load, the executors, the run ledger
    {"clerk": ("plantrack.pipeline.clerk",)},        # the clerk's pages on plantrack serve (a Datasette plugin)
    {"outputs": ("plantrack.pipeline.outputs",)},    # the digest, the analyst layer, export
    {"output": ("plantrack.pipeline.output",)},      # listings to a terminal, a pipe or --json
    {"cli": ("plantrack.pipeline.cli", "plantrack.pipeline.cli_values")},
)


def _level_of(room: str) -> int:
    return next(n for n, level in enumerate(LEVELS) if room in level)


def room_of(module: str) -> str:
    """The room whose prefix fits `module` longest (the package itself is a room: every module has one)."""
    fits = [(len(prefix), room) for level in LEVELS for room, prefixes in level.items() for prefix in prefixes
            if module == prefix or module.startswith(prefix + ".")]
    return max(fits)[1]


def import_graph(modules: dict[str, str]) -> dict[str, set[str]]:
    """module -> the plantrack modules it imports, anywhere in it (late imports inside functions count):
    `from a import b` is an edge to the module a.b when there is one, else to a; a package's parents
    (imported by Python on the way) are not edges."""
    graph: dict[str, set[str]] = {}
    for name, source in modules.items():
        is_package = source.startswith("#package\n")
        out: set[str] = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                out |= {a.name for a in node.names if a.name in modules}
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(node, name, is_package)
                for alias in node.names:
                    if f"{base}.{alias.name}" in modules:
                        out.add(f"{base}.{alias.name}")
                    elif base in modules:
                        out.add(base)
        graph[name] = out - {name}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles: each set of modules that reach one another (Tarjan's strongly connected
    components, iteratively), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, edges = work[-1]
            w = next(edges, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def upward(graph: dict[str, set[str]]) -> list[str]:
    """`a -> b` for every import of a module in a room on the same level or higher."""
    bad = []
    for a, targets in sorted(graph.items()):
        for b in sorted(targets):
            ra, rb = room_of(a), room_of(b)
            if ra != rb and _level_of(rb) >= _level_of(ra):
                bad.append(f"{a} -> {b} ({ra} may not import {rb})")
    return bad


def _package_sources() -> dict[str, str]:
    return {_module_name(p): ("#package\n" if p.name == "__init__.py" else "") + p.read_text(encoding="utf-8")
            for p in sorted(PACKAGE.rglob("*.py"))}


def test_the_house_checks_find_a_circle_and_an_import_running_up():
    modules = {
        "plantrack.extract.document": "from .scanned import read\n",
        "plantrack.extract.scanned": "def read():\n    from .document import extract_document\n",
        "plantrack.store.database": "from plantrack.pipeline.stages import load\n",
        "plantrack.pipeline.stages.load": "from plantrack.store import transaction\n",
        "plantrack.store": "#package\nfrom plantrack.store.database import connect\n",
        "plantrack.pipeline.sources.fetch": "from plantrack.pipeline.stages.load import now\n",
    }
    graph = import_graph(modules)
    assert graph["plantrack.pipeline.stages.load"] == {"plantrack.store"}
    assert circles(graph) == [["plantrack.extract.document", "plantrack.extract.scanned"],
                              ["plantrack.pipeline.stages.load", "plantrack.store", "plantrack.store.database"]]
    # scanned.py (a reader) re-entering document.py (above the readers) runs up; document.py -> scanned.py is down
    assert upward(graph) == [
        "plantrack.extract.scanned -> plantrack.extract.document "
        "(extract readers may not import extract document)",
        "plantrack.pipeline.sources.fetch -> plantrack.pipeline.stages.load (sources may not import stages)",
        "plantrack.store.database -> plantrack.pipeline.stages.load (store may not import stages)",
    ]


def test_no_import_circle():
    found = circles(import_graph(_package_sources()))
    assert found == [], "modules that import one another (late imports count):\n" + "\n".join(map(str, found))


def test_no_import_runs_back_up_the_house():
    found = upward(import_graph(_package_sources()))
    assert found == [], "imports running up the house's levels (LEVELS):\n" + "\n".join(found)


def test_every_room_is_on_one_level_and_every_package_in_a_room():
    rooms = [r for level in LEVELS for r in level]
    assert len(rooms) == len(set(rooms))
    outside = sorted(_module_name(p) for p in PACKAGE.rglob("*.py")
                     if _module_name(p) != "plantrack" and room_of(_module_name(p)) == "plantrack")
    assert outside == [], "modules outside every room (give their package a level in LEVELS): " + ", ".join(outside)
