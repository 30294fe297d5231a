"""The `motcua` console command: every Django management command plus the project's own."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "motcua"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
