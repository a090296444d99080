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
