"""The `alur` command line (CONTRACT.md "Commands")."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

from events import CATALOG

# Each worker's entry point: the module whose `main()` runs it in the foreground.
WORKERS = {
    "web": "alur.web",
    "relay": "alur.workers.relay",
    "projections": "alur.workers.projections",
    "notifier": "alur.workers.notifier",
    "routing": "alur.workers.routing",
    "sla": "alur.workers.sla",
}


def _serve(args: argparse.Namespace) -> int:
    importlib.import_module(WORKERS[args.service]).main()
    return 0


def _schemas(args: argparse.Namespace) -> int:
    schemas = CATALOG.json_schemas()
    if args.out is None:
        print(json.dumps(schemas, indent=2, ensure_ascii=False))
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, schema in schemas.items():
        (out / f"{name}.json").write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {len(schemas)} schemas to {out}")
    return 0


def _lazy(module: str, function: str) -> Callable[[argparse.Namespace], int]:
    """A command handler imported only when its command runs (keeps `alur` quick to start)."""

    def handler(args: argparse.Namespace) -> int:
        return getattr(importlib.import_module(module), function)(args)

    return handler


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="alur", description="Run Indonesian public-service SOPs.")
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run one worker in the foreground")
    serve.add_argument("service", choices=sorted(WORKERS))
    serve.set_defaults(handler=_serve)

    sop = commands.add_parser("sop", help="SOP definitions")
    sop_commands = sop.add_subparsers(dest="sop_command", required=True)
    sop_import = sop_commands.add_parser(
        "import", help="read an SOP document, print its definition and store it as a version"
    )
    sop_import.add_argument("path", help="the SOP document (seed text format)")
    sop_import.add_argument("--json", action="store_true", help="print a JSON summary")
    sop_import.set_defaults(handler=_lazy("alur.commands.sop", "import_sop"))
    sop_list = sop_commands.add_parser("list", help="the SOPs loaded, every version")
    sop_list.add_argument("--json", action="store_true")
    sop_list.set_defaults(handler=_lazy("alur.commands.sop", "list_sops"))

    users = commands.add_parser("users", help="officers and their API tokens")
    user_commands = users.add_subparsers(dest="users_command", required=True)
    add = user_commands.add_parser("add", help="create an officer; prints an API token")
    add.add_argument("name")
    add.add_argument(
        "--role", action="append", required=True, help="an SOP role; repeat for several"
    )
    add.add_argument("--unit", help="the officer's unit (bidang / seksi)")
    add.add_argument("--superior", help="the name of the officer's direct superior")
    add.add_argument("--email", help="where notifications reach the officer")
    add.add_argument("--phone", help="the officer's phone (WhatsApp/SMS gateway)")
    add.set_defaults(handler=_lazy("alur.commands.users", "add_user"))

    notifications = commands.add_parser("notifications", help="notification templates")
    notification_commands = notifications.add_subparsers(
        dest="notifications_command", required=True
    )
    preview = notification_commands.add_parser(
        "preview", help="render a notification template with sample data"
    )
    preview.add_argument("template", help="the template's name, e.g. tanda_terima")
    preview.add_argument("--html", action="store_true", help="print the HTML part too")
    preview.set_defaults(handler=_lazy("services.notifier.preview", "preview_template"))

    calendar = commands.add_parser("calendar", help="the office calendar")
    calendar_commands = calendar.add_subparsers(dest="calendar_command", required=True)
    deadline = calendar_commands.add_parser(
        "deadline", help="the deadline of a time standard (Waktu) started at a moment"
    )
    deadline.add_argument("--start", required=True, help="ISO 8601, e.g. 2026-03-17T09:00+07:00")
    deadline.add_argument("--duration", required=True, help='the Waktu text, e.g. "3 Hari Kerja"')
    deadline.add_argument("--office", help="office configuration (default: ALUR_OFFICE)")
    deadline.set_defaults(handler=_lazy("alur.commands.calendar", "deadline"))
    close = calendar_commands.add_parser(
        "close", help="add a closure (the office is closed on these days); prints it"
    )
    close.add_argument("--date", required=True, help="the first closed day, YYYY-MM-DD")
    close.add_argument("--until", help="the last closed day (default: --date)")
    close.add_argument("--reason", required=True, help='e.g. "HUT Kabupaten Musi Banyuasin"')
    close.add_argument("--by", help="who decided it (recorded with the closure)")
    close.add_argument("--office", help="office configuration (default: ALUR_OFFICE)")
    close.set_defaults(handler=_lazy("alur.commands.calendar", "close"))
    closures = calendar_commands.add_parser(
        "closures", help="closures from the office configuration and those added"
    )
    closures.add_argument("--office", help="office configuration (default: ALUR_OFFICE)")
    closures.set_defaults(handler=_lazy("alur.commands.calendar", "closures"))
    closed = calendar_commands.add_parser(
        "holidays", help="the days of a year the office is closed, with their names"
    )
    closed.add_argument("--year", required=True, type=int, help="e.g. 2026")
    closed.add_argument("--office", help="office configuration (default: ALUR_OFFICE)")
    closed.set_defaults(handler=_lazy("alur.commands.calendar", "holidays"))

    replay = commands.add_parser(
        "replay", help="rebuild projections from the first event; prints events/s"
    )
    replay.add_argument("--projection", help="one projection by name (default: all)")
    replay.set_defaults(handler=_lazy("alur.commands.replay", "replay"))

    audit = commands.add_parser("audit", help="a case's full history, or verify the whole log")
    audit.add_argument("case_id", nargs="?", help="the case to show")
    audit.add_argument("--as-of", help="show the case as it stood at this ISO 8601 moment")
    audit.add_argument(
        "--verify", action="store_true", help="check the hash chain of every stored event"
    )
    audit.add_argument("--anchor", help="with --verify: a head hash recorded earlier")
    audit.add_argument("--json", action="store_true", help="print JSON")
    audit.set_defaults(handler=_lazy("alur.commands.audit", "audit"))

    events = commands.add_parser("events", help="the event contract")
    event_commands = events.add_subparsers(dest="events_command", required=True)
    schemas = event_commands.add_parser("schemas", help="print or write the JSON Schemas")
    schemas.add_argument("--out", help="write one file per event type into this folder")
    schemas.set_defaults(handler=_schemas)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
