"""The operator's class commands, for a class that several studios serve (``deploy/``):

    python -m studio.classroom new-class --class-store redis://redis:6379/0
    python -m studio.classroom new-key   --class-store redis://redis:6379/0

``new-class`` archives the answers (CSV, in the user cache's ``class-archive``), then writes a new class
(new key and code, the next epoch) into the store; ``new-key`` gives the class that goes on a new lecturer
key. Every running studio takes either on at its next page's ask, within a second or two. Each prints the
new lecturer address (to be opened at the studios' public address).
"""

from __future__ import annotations

import argparse
import os
import sys

from studio import paths


def main(argv: list[str] | None = None) -> int:
    """Parse the command, change the class in its store, print the lecturer's address."""
    parser = argparse.ArgumentParser(prog="python -m studio.classroom", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["new-class", "new-key"])
    parser.add_argument("--class-store", default=os.environ.get("STUDIO_CLASS_STORE"), metavar="ADDRESS",
                        help="the class's store: redis://HOST:PORT/DB or a SQLite file (default: $STUDIO_CLASS_STORE, "
                             "else class.sqlite3 in the user cache)")
    args = parser.parse_args(argv)
    from studio.classroom.session import ClassSession, open_store, start_new_class  # lazy: after --help answered

    store = open_store(args.class_store or paths.user_cache_dir() / "class.sqlite3")
    if args.command == "new-class":
        folder = start_new_class(store, archive=paths.user_cache_dir() / "class-archive")
        if folder is not None:
            print(f"The last class's answers are archived in {folder}")
        session = ClassSession.open(store)
    else:
        session = ClassSession.open(store)
        session.replace_key()
    print(f"Class {session.code}. The lecturer's address (after the studios' public address; keep it private):\n"
          f"    /?key={session.key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
