"""The small runnable examples in the engine's docstrings."""

import doctest
import importlib
import pkgutil

import pytest

import matching

MODULES = sorted(
    name
    for _, name, _ in pkgutil.iter_modules(matching.__path__, "matching.")
    if name != "matching.__main__"
)


@pytest.mark.parametrize("module_name", MODULES)
def test_every_docstring_example_runs_as_written(module_name):
    module = importlib.import_module(module_name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0
