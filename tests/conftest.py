"""Registers the fixtures every test folder shares: tests/plugin.py and tests/factories.py.

Fixtures are defined once in tests/ (tests/quality/test_fixtures.py): a folder's conftest.py
adds fixtures of its own under names no other module uses, and never redefines these.
"""

pytest_plugins = ["tests.plugin", "tests.factories"]
