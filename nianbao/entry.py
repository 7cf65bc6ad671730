"""The ``nianbao`` program. A valid ``nianbao review`` command line, the command run most, goes
straight to the review (``review_argv`` reads it without typer, whose start-up would cost more than
the review of a short report); everything else (help, the other commands, a command line with a
mistake) goes to the typer CLI in ``cli.py``, which owns every help text and usage error."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        if sys.argv[1:2] == ["review"]:
            from .review_argv import read

            given = read(sys.argv[2:])
            if given is not None:
                from .review_command import guarded, run_or_explain

                guarded(lambda: run_or_explain(given))
        from .cli import main as typer_main
    except KeyboardInterrupt:  # Ctrl-C while the program loads, before guarded() is there to say so
        sys.stderr.write("nianbao: 已中断\n")
        sys.exit(130)
    typer_main()
