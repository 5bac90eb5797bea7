"""The dependency rule of ARCHITECTURE.md, read from the source (ast): an app imports only the apps listed
above it (lms, home, learners, courses, peer_educators, reports, demo), and nothing but demo imports demo."""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# ARCHITECTURE.md's "Rooms", top to bottom: each may import only those above it (and itself).
ORDER = ("lms", "home", "learners", "courses", "peer_educators", "reports", "demo")
# ARCHITECTURE.md: lms/access.py alone may import app models, and only inside its functions.
ACCESS = "lms/access.py"


@dataclass(frozen=True)
class Import:
    """One import statement: the file and line it is on, the module it names, and whether a function holds it."""

    path: str
    line: int
    module: str
    in_function: bool

    @property
    def package(self) -> str:
        """The top-level package imported from (for example "learners" for learners.models)."""
        return self.module.split(".")[0]

    def __str__(self):
        return f"{self.path}:{self.line} imports {self.module}"


def imports_in(source: str, *, path: str) -> list[Import]:
    """Every import in a module's source; relative imports are named from the file's own top-level package."""
    own = path.split("/")[0]
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend(Import(path, child.lineno, alias.name, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                module = (child.module or "") if child.level == 0 else ".".join(filter(None, [own, child.module]))
                found.append(Import(path, child.lineno, module, in_function))
            visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))

    visit(ast.parse(source, filename=path), False)
    return found


def python_files(package: str) -> list[Path]:
    """The Python files of one top-level package, migrations included."""
    return sorted((ROOT / package).rglob("*.py"))


def imports_of(package: str) -> list[Import]:
    """Every import in a top-level package's source."""
    found = []
    for file in python_files(package):
        found += imports_in(file.read_text(encoding="utf-8"), path=file.relative_to(ROOT).as_posix())
    return found


def breaks_order(imp: Import) -> bool:
    """The import names a project app listed below the importing file's own app in ORDER."""
    own = imp.path.split("/")[0]
    return imp.package in ORDER and ORDER.index(imp.package) > ORDER.index(own)


def access_may(imp: Import) -> bool:
    """lms/access.py importing an app's models inside one of its functions: the one exception ARCHITECTURE.md makes."""
    return imp.path == ACCESS and imp.in_function and imp.module == f"{imp.package}.models"


def test_the_scanner_sees_module_function_and_relative_imports():
    source = (
        "import courses.models\nfrom learners import services\nfrom .forms import x\n"
        "def f():\n    from peer_educators.models import Project\n"
        "class C:\n    from reports import exports\n"
    )
    found = [(i.module, i.line, i.in_function) for i in imports_in(source, path="home/views.py")]
    assert found == [
        ("courses.models", 1, False),
        ("learners", 2, False),
        ("home.forms", 3, False),
        ("peer_educators.models", 5, True),
        ("reports", 7, False),
    ]
    assert [str(i) for i in imports_in(source, path="home/views.py") if breaks_order(i)] == [
        "home/views.py:1 imports courses.models",
        "home/views.py:2 imports learners",
        "home/views.py:5 imports peer_educators.models",
        "home/views.py:7 imports reports",
    ]


def test_every_top_level_package_has_a_place_in_the_order():
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"tests"}
    assert packages == set(ORDER), "Add the new app to ARCHITECTURE.md's list and to ORDER here."


@pytest.mark.parametrize("app", ORDER)
def test_an_app_imports_only_the_apps_listed_above_it(app):
    imports = imports_of(app)
    assert imports, f"no imports found in {app}/: the scanner is not reading it"
    wrong = [str(imp) for imp in imports if breaks_order(imp) and not access_may(imp)]
    assert wrong == [], f"{app} may import only {', '.join(ORDER[: ORDER.index(app)]) or 'no project app'}"


def test_home_imports_from_no_app_but_lms():
    apps = {imp.package for imp in imports_of("home") if imp.package in ORDER}
    assert apps <= {"home", "lms"}


def test_nothing_outside_demo_and_the_tests_imports_demo():
    files = sorted(ROOT.glob("*.py")) + [file for app in ORDER if app != "demo" for file in python_files(app)]
    found = [
        str(imp)
        for file in files
        for imp in imports_in(file.read_text(encoding="utf-8"), path=file.relative_to(ROOT).as_posix())
        if imp.package == "demo"
    ]
    assert found == []
    assert any(imp.package == "learners" for imp in imports_of("demo")), "demo builds on the apps it serves"


def test_lms_access_imports_app_models_only_inside_its_functions():
    imports = [imp for imp in imports_of("lms") if imp.path == ACCESS and imp.package in ORDER[1:]]
    assert imports, "lms/access.py asks the apps' models who may see what"
    assert [str(imp) for imp in imports if not access_may(imp)] == []
