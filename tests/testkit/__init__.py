"""Helpers shared by several test packages (importable as `testkit`: pytest puts
the tests directory on sys.path)."""
