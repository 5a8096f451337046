"""Progress of long commands on stderr: one line rewritten in place on a terminal, plain lines otherwise."""
from __future__ import annotations

import io

from ctsync.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_one_line_rewritten_then_the_lines_that_stay():
    screen = Terminal()
    progress = Progress("logs", screen)
    progress.step("contoso: 500 entries read (1 pages)")
    progress.step("contoso: 1000 entries read (2 pages)")
    progress.say("done")
    assert screen.getvalue() == (
        "\r\033[Kctsync logs: contoso: 500 entries read (1 pages)"
        "\r\033[Kctsync logs: contoso: 1000 entries read (2 pages)"
        "\r\033[Kctsync logs: done\n"
    )


def test_a_log_file_gets_every_step_as_a_plain_line():
    log = io.StringIO()
    progress = Progress("status", log)
    progress.step("reading 3 direction(s)")
    progress.say("3 of 3 direction(s) healthy")
    assert log.getvalue() == "ctsync status: reading 3 direction(s)\nctsync status: 3 of 3 direction(s) healthy\n"
