"""argparse in Vietnamese: the section titles, the usage prefix, -h/--help and the error messages it writes itself.

argparse has no Vietnamese catalogue and its words come through gettext; rather than install one (or patch argparse
for the whole process), `VietnameseParser` overrides the public hooks: `HelpFormatter.add_usage` and
`start_section`, `ArgumentParser.error`, and its own -h/--help. Its error messages are matched here, in one table:
one that is not listed passes through unchanged.
"""
from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

SECTIONS = {"positional arguments": "đối số", "options": "tuỳ chọn", "optional arguments": "tuỳ chọn"}
ARGPARSE_ERRORS = [
    (r"^argument (.+?): ", r"đối số \1: "),
    (r"the following arguments are required: ", "thiếu đối số bắt buộc: "),
    (r"invalid choice: (.+?) \(choose from (.+)\)", r"lựa chọn không hợp lệ: \1 (chọn một trong: \2)"),
    (r"unrecognized arguments: ", "đối số không nhận ra: "),
    (r"expected one argument", "cần một giá trị"),
    (r"expected at least one argument", "cần ít nhất một giá trị"),
    (r"expected at most one argument", "cần nhiều nhất một giá trị"),
    (r"invalid int value: ", "không phải số nguyên: "),
    (r"invalid float value: ", "không phải số: "),
    (r"invalid (\S+) value: ", r"giá trị \1 không hợp lệ: "),
    (r"ambiguous option: (.+?) could match ", r"tuỳ chọn không rõ ràng: \1 có thể là "),
    (r"ignored explicit argument ", "đối số bị bỏ qua: "),
    (r"not allowed with argument ", "không dùng được cùng đối số "),
    (r"one of the arguments (.+) is required", r"cần một trong các đối số \1"),
]


def argparse_words(message: str) -> str:
    """One of argparse's English error messages in Vietnamese."""
    for pattern, words in ARGPARSE_ERRORS:
        message = re.sub(pattern, words, message)
    return message


class VietnameseHelpFormatter(argparse.HelpFormatter):
    """Help in Vietnamese: argparse's section titles and its "usage:" prefix."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        # A subcommand's prog is formatted with prefix "" (kept): only argparse's default "usage: " is replaced.
        super().add_usage(usage, actions, groups, "cách dùng: " if prefix is None else prefix)

    def start_section(self, heading) -> None:
        super().start_section(SECTIONS.get(heading, heading))


class VietnameseParser(argparse.ArgumentParser):
    """argparse speaking Vietnamese: its -h/--help, its section titles and its error messages; the subcommands'
    parsers are made of this class too (add_subparsers uses the parent's class)."""

    def __init__(self, *args: Any, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", VietnameseHelpFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help="in trợ giúp này rồi thoát")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: lỗi: {argparse_words(message)}\n")
