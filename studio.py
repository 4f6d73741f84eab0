"""Start Generative Studio: ``python studio.py [--share] [--lang en] ...`` (see ``--help``)."""

from __future__ import annotations

import argparse
import os
import sys
from urllib.parse import urlsplit

from studio import paths
from studio.serving import memory


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command-line flags."""
    parser = argparse.ArgumentParser(
        prog="python studio.py",
        description="Generative Studio: run, train and compare the classic generative models of the "
                    "lectures in your browser. Opens http://127.0.0.1:7860 by default.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; 0.0.0.0 lets your local network in)")
    parser.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    parser.add_argument("--share", action="store_true",
                        help="also create a public Gradio link for a class (training is then off "
                             "unless --allow-training is given)")
    parser.add_argument("--auth", metavar="USER:PASS",
                        help="require this user name and password (recommended with --share)")
    parser.add_argument("--data-dir", default=os.environ.get("STUDIO_DATA_DIR"),
                        help="folder with mnist.npz, fashion_mnist.npz, ... for training "
                             "(default: $STUDIO_DATA_DIR; otherwise Keras's cache or download)")
    parser.add_argument("--lang", choices=["ko", "en"], default="ko",
                        help="interface language at start (default ko; switchable in the page)")
    parser.add_argument("--inference-threads", type=int, default=None, metavar="N",
                        help="cap the server's TensorFlow threads at N, leaving the other cores to a training "
                             "job (for training live in front of a class on a small machine: 1 on 2 cores); "
                             "default: TensorFlow's, all cores")
    parser.add_argument("--class", dest="start_class", action="store_true",
                        help="run a class: students join from the QR code on the lecturer's page, follow the "
                             "lecturer and pool their answers; prints the lecturer's address (with its key) once")
    parser.add_argument("--new-class", action="store_true",
                        help="with --class: start a new class (new key and code) instead of going on with the "
                             "last one, whose answers are kept in the user cache")
    parser.add_argument("--class-store", default=os.environ.get("STUDIO_CLASS_STORE"), metavar="ADDRESS",
                        help="where the class keeps its answers: a SQLite file (default: class.sqlite3 in the user "
                             "cache) or redis://HOST:PORT/DB, shared by several studios behind one address "
                             "(default: $STUDIO_CLASS_STORE)")
    parser.add_argument("--new-key", action="store_true",
                        help="with --class: a new lecturer key for the class that goes on (its answers kept), for a "
                             "key that was seen; every lecturer session of the old key ends")
    parser.add_argument("--plan", default=None, metavar="NAME_OR_FILE",
                        help="with --class: the lecture plan to step through (a shipped plan: 000 to 004 in "
                             "lectures/, or a .toml file); the lecturer's PageDown shows its first step")
    parser.add_argument("--restamp-plan", nargs="+", default=None, metavar="FILE",
                        help="give lecture plan files this studio's weights (after training new ones), check them "
                             "as a class would, and exit")
    parser.add_argument("--public-url", default=os.environ.get("STUDIO_PUBLIC_URL") or None, metavar="URL",
                        help="the address students open (behind a proxy or in a container, e.g. "
                             "https://studio.example.edu): the page and the QR code use it, whatever a request "
                             "says (default: $STUDIO_PUBLIC_URL)")
    parser.add_argument("--forwarded-allow-ips", default=None, metavar="IPS",
                        help="the proxies whose X-Forwarded-* headers are believed: comma-separated addresses or "
                             "networks, or * when only a proxy can reach the studio (default: $FORWARDED_ALLOW_IPS, "
                             "else 127.0.0.1,::1)")
    training = parser.add_mutually_exclusive_group()
    training.add_argument("--no-training", action="store_true", help="hide every training control")
    training.add_argument("--allow-training", action="store_true",
                          help="show training controls even with --share")
    args = parser.parse_args(argv)
    if args.inference_threads is not None and args.inference_threads < 1:
        parser.error("--inference-threads needs a whole number of at least 1")
    if (args.new_class or args.new_key or args.class_store or args.plan) and not args.start_class:
        if args.new_class or args.new_key or args.plan:
            parser.error("--new-class, --new-key and --plan go with --class")
        args.class_store = None  # $STUDIO_CLASS_STORE set for a deployment; no class asked for here
    if args.public_url is not None:
        parts = urlsplit(args.public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            parser.error("--public-url needs an address such as http://192.168.0.12:7860 or https://studio.example.edu")
    if args.auth is not None and (":" not in args.auth or args.auth.startswith(":") or args.auth.endswith(":")):
        parser.error("--auth needs the form USER:PASS")
    return args


def training_enabled(args: argparse.Namespace) -> bool:
    """Training is on by default locally, off under --share unless --allow-training, never with --no-training."""
    if args.no_training:
        return False
    return args.allow_training or not args.share


def main(argv: list[str] | None = None) -> int:
    """Parse the flags, build the app and serve it until interrupted."""
    args = parse_args(argv)
    memory.cap_malloc_arenas()  # before any of the server's threads starts (studio.serving.memory)
    if args.data_dir:
        paths.set_data_dir(args.data_dir)
    if args.inference_threads:  # read when TensorFlow is first imported (studio.serving.runtime.THREADS_VARIABLE)
        os.environ["STUDIO_INFERENCE_THREADS"] = str(args.inference_threads)
    if args.share and not args.auth:
        print("warning: --share without --auth makes the studio public to anyone with the link; "
              "consider --auth USER:PASS", file=sys.stderr)
    from studio.ui import (
        app,  # imports Gradio: after --help has had its chance to answer quickly
    )

    allow = training_enabled(args)
    if args.restamp_plan:  # the page's tabs register the results a plan's steps name
        from studio.ui.panels import lecture_plan  # lazy: Gradio, after --help has answered

        return lecture_plan.restamp_files(app.build_app(allow_training=True).classroom.plan_steps, args.restamp_plan)
    session = None
    from studio.checks import UserError  # lazy: NumPy and Pillow, after --help has answered

    if args.start_class:
        try:
            session = open_class(args.class_store, args.new_class, args.new_key)
        except UserError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    try:
        demo = app.build_app(lang=args.lang, allow_training=allow, classroom=session, plan=args.plan,
                             training_note=args.share and not allow and not args.no_training)
    except UserError as exc:  # a lecture plan that cannot be used: its one sentence
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if session is not None:
        announce_class(session, args)
    auth = tuple(args.auth.split(":", 1)) if args.auth else None
    app.launch(demo, host=args.host, port=args.port, share=args.share, auth=auth, public_url=args.public_url,
               forwarded_allow_ips=args.forwarded_allow_ips)
    return 0


def open_class(address: str | None, new: bool, new_key: bool = False):
    """The class kept in its store (its answers survive a restart), or a new one (refused with a
    ``UserError`` while other studios run the class); this studio then beats as one of the class's."""
    from studio import techniques
    from studio.classroom.session import ClassSession, open_store
    from studio.classroom.feed import SERVED_BY

    techniques.load()  # their class polls: a new class archives and clears each
    store = open_store(address or paths.user_cache_dir() / "class.sqlite3")
    session = ClassSession.open(store, new=new, studio=SERVED_BY, archive=paths.user_cache_dir() / "class-archive")
    if new_key:
        session.replace_key()
    session.start_heartbeat()
    return session


def announce_class(session, args: argparse.Namespace) -> None:
    """The lecturer's address with its key, once, in the terminal (as Jupyter shows its token)."""
    print(f"\nClass {session.code}. The lecturer's page (keep it private; the key leaves the address bar "
          f"once the page opens):\n    http://127.0.0.1:{args.port}/?key={session.key}\n"
          "Students join from the QR code on that page.\n", flush=True)


if __name__ == "__main__":
    sys.exit(main())
