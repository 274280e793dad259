"""The `alur` command line (CONTRACT.md "Commands")."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

from events import CATALOG

# Each worker's entry point: the module whose `main()` runs it in the foreground.
WORKERS = {
    "web": "alur.web",
    "relay": "services.relay.main",
    "projections": "services.projections.main",
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


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="alur", description="Run Indonesian public-service SOPs.")
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run one worker in the foreground")
    serve.add_argument("service", choices=sorted(WORKERS))
    serve.set_defaults(handler=_serve)

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
