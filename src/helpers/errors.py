"""Errors a user can act on: each names the file, the place, what was expected and what to do."""

from __future__ import annotations


class UserError(Exception):
    """An error caused by input or arguments; the CLI prints its message on one line and exits 2."""

    exit_code = 2


class InputError(UserError):
    """A raw input file that cannot be read."""

    def __init__(self, path: object, where: str | None, expected: str, todo: str | None = None):
        self.path, self.where, self.expected, self.todo = str(path), where, expected, todo
        place = f" at {where}" if where else ""
        hint = f" {todo}" if todo else ""
        super().__init__(f"{path}{place}: {expected}.{hint}")


class DatasetError(UserError):
    """A dataset that is missing, incomplete or invalid."""
