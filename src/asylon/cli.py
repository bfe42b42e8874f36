"""The `asylon` console command: Django's manage.py under the project's own name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.settings")
    from django.core.management import execute_from_command_line

    from asylon.core import collector

    execute_from_command_line(["asylon", *sys.argv[1:]])
    collector.leave_to_the_os()


if __name__ == "__main__":
    main()
