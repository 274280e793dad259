"""The `alur` command line (CONTRACT.md "Commands")."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from events import CATALOG

# Each worker's entry point: the module whose `main()` runs it in the foreground.
WORKERS = {
    "web": "alur.web",
    "relay": "alur.workers.relay",
    "projections": "alur.workers.projections",
    "notifier": "alur.workers.notifier",
    "routing": "alur.workers.routing",
    "sla": "alur.workers.sla",
    "retention": "alur.workers.retention",
    "mail": "alur.workers.mail",
}

Handler = Callable[[argparse.Namespace], int]
# An argument of a command: the flags and the options of `add_argument`.
Argument = tuple[tuple[str, ...], dict[str, Any]]


@dataclass(frozen=True)
class Command:
    """What runs for a command (`alur sop import`) and the arguments it takes."""

    handler: Handler
    arguments: tuple[Argument, ...]


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


def _lazy(name: str) -> Handler:
    """The handler `module:function`, imported only when its command runs (`alur` starts quick)."""
    module, function = name.split(":")

    def handler(args: argparse.Namespace) -> int:
        return getattr(importlib.import_module(module), function)(args)

    return handler


def _command(handler: Handler | str, *arguments: Argument) -> Command:
    """A command's handler (or the `module:function` name of one) and its arguments."""
    return Command(_lazy(handler) if isinstance(handler, str) else handler, arguments)


def _arg(*flags: str, **options: Any) -> Argument:
    return flags, options


_OFFICE = _arg("--office", help="office configuration (default: ALUR_OFFICE)")
_PASSWORD_STDIN = _arg(
    "--password-stdin",
    action="store_true",
    help="read the password from standard input (at least 12 characters)",
)

# What `alur --help` and `alur GROUP --help` say of each group and command, in their order.
HELP = {
    "serve": "run one worker in the foreground",
    "sop": "SOP definitions",
    "sop import": "read an SOP document, print its definition and store it as a version",
    "sop list": "the SOPs loaded, every version",
    "sop chart": "the SOP-AP flowchart of a loaded SOP as SVG",
    "users": "officers and their API tokens",
    "users add": "create an officer; prints an activation link (or reads --password-stdin)"
    " and, last, an API token",
    "users disable": "refuse the officer's sessions and tokens from now on",
    "users enable": "let a disabled officer in again",
    "users reset-password": "clear the password and print an activation link (or --password-stdin)",
    "users totp": "enrol the TOTP second factor; prints the secret and the otpauth:// URI",
    "tokens": "officers' API tokens for scripts",
    "tokens create": "a new API token for an officer; prints it on the last line",
    "tokens revoke": "stop an API token at once",
    "tokens list": "the API tokens (ids, first characters, expiry), never the secret",
    "open311": "Open311 GeoReport v2 clients",
    "open311 keys": "Open311 API keys",
    "open311 keys create": "a new Open311 API key for a client; prints it on the last line",
    "notifications": "notification templates",
    "notifications preview": "render a notification template with sample data",
    "calendar": "the office calendar",
    "calendar deadline": "the deadline of a time standard (Waktu) started at a moment",
    "calendar close": "add a closure (the office is closed on these days); prints it",
    "calendar closures": "closures from the office configuration and those added",
    "calendar holidays": "the days of a year the office is closed, with their names",
    "replay": "rebuild projections from the first event; prints events/s",
    "audit": "a case's full history, or verify the whole log",
    "privacy": "personal data (UU 27/2022)",
    "privacy erase": "erase a case's or a person's personal data (crypto-shredding); records"
    " PersonalDataErased",
    "archive": "the archive's retention schedule (JRA)",
    "archive due": "closed cases listed for review (nilai kembali) by the retention job",
    "lapor": "the SP4N-LAPOR! bridge",
    "lapor import": "open each report of a LAPOR! sheet (CSV or XLSX) as a complaint, once",
    "lapor export": "the follow-ups of LAPOR! reports since a date, as a sheet for LAPOR!",
    "lapor sync": "with LAPOR! API access: import the reports since a date, send the follow-ups",
    "events": "the event contract",
    "events schemas": "print or write the JSON Schemas",
}

COMMANDS = {
    "serve": _command(_serve, _arg("service", choices=sorted(WORKERS))),
    "sop import": _command(
        "alur.commands.sop:import_sop",
        _arg("path", help="the SOP document (seed text format, or .docx)"),
        _arg("--json", action="store_true", help="print a JSON summary"),
    ),
    "sop list": _command("alur.commands.sop:list_sops", _arg("--json", action="store_true")),
    "sop chart": _command(
        "alur.commands.sop:chart",
        _arg("sop_id", help="the SOP's id (alur sop list)"),
        _arg("--version", type=int, help="the version (default: the latest)"),
        _arg("--out", help="write the SVG to this file (default: stdout)"),
        _arg("--highlight", type=int, nargs="+", metavar="STEP", help="mark these steps"),
    ),
    "users add": _command(
        "alur.commands.users:add_user",
        _arg("name"),
        _arg("--role", action="append", required=True, help="an SOP role; repeat for several"),
        _arg("--unit", help="the officer's unit (bidang / seksi)"),
        _arg("--superior", help="the name of the officer's direct superior"),
        _arg("--email", help="where notifications reach the officer"),
        _arg("--phone", help="the officer's phone (WhatsApp/SMS gateway)"),
        _PASSWORD_STDIN,
    ),
    "users disable": _command("alur.commands.users:disable_user", _arg("name")),
    "users enable": _command("alur.commands.users:enable_user", _arg("name")),
    "users reset-password": _command(
        "alur.commands.users:reset_password", _arg("name"), _PASSWORD_STDIN
    ),
    "users totp": _command(
        "alur.commands.users:totp",
        _arg("name"),
        _arg("--remove", action="store_true", help="remove the second factor instead"),
    ),
    "tokens create": _command(
        "alur.commands.tokens:create_token",
        _arg("name", help="the officer's name or id"),
        _arg("--expires-days", type=float, help="days the token works (default ALUR_TOKEN_DAYS)"),
        _arg("--label", help="what the token is for, e.g. the script's name"),
    ),
    "tokens revoke": _command(
        "alur.commands.tokens:revoke_token",
        _arg("token", help="the token's id (tok_…), its first characters, or the token"),
    ),
    "tokens list": _command(
        "alur.commands.tokens:list_tokens", _arg("name", nargs="?", help="one officer's only")
    ),
    "open311 keys create": _command(
        "alur.commands.open311:create_key",
        _arg("name", help="the client the key is for, e.g. the app's name"),
    ),
    "notifications preview": _command(
        "services.notifier.preview:preview_template",
        _arg("template", help="the template's name, e.g. tanda_terima"),
        _arg("--html", action="store_true", help="print the HTML part too"),
    ),
    "calendar deadline": _command(
        "alur.commands.calendar:deadline",
        _arg("--start", required=True, help="ISO 8601, e.g. 2026-03-17T09:00+07:00"),
        _arg("--duration", required=True, help='the Waktu text, e.g. "3 Hari Kerja"'),
        _OFFICE,
    ),
    "calendar close": _command(
        "alur.commands.calendar:close",
        _arg("--date", required=True, help="the first closed day, YYYY-MM-DD"),
        _arg("--until", help="the last closed day (default: --date)"),
        _arg("--reason", required=True, help='e.g. "HUT Kabupaten Musi Banyuasin"'),
        _arg("--by", help="who decided it (recorded with the closure)"),
        _OFFICE,
    ),
    "calendar closures": _command("alur.commands.calendar:closures", _OFFICE),
    "calendar holidays": _command(
        "alur.commands.calendar:holidays",
        _arg("--year", required=True, type=int, help="e.g. 2026"),
        _OFFICE,
    ),
    "replay": _command(
        "alur.commands.replay:replay",
        _arg("--projection", help="one projection by name (default: all)"),
    ),
    "audit": _command(
        "alur.commands.audit:audit",
        _arg("case_id", nargs="?", help="the case to show"),
        _arg("--as-of", help="show the case as it stood at this ISO 8601 moment"),
        _arg("--verify", action="store_true", help="check the hash chain of every stored event"),
        _arg("--anchor", help="with --verify: a head hash recorded earlier"),
        _arg("--json", action="store_true", help="print JSON"),
    ),
    "privacy erase": _command(
        "alur.commands.privacy:erase",
        _arg("--case", help="the case whose personal data is erased (its id)"),
        _arg("--subject", help="a person's email or phone: every case they are a subject of"),
        _arg(
            "--requested-by",
            required=True,
            help='who asked, as a role or a letter\'s reference, never a name ("subjek data")',
        ),
        _arg("--legal-basis", required=True, help='e.g. "UU 27/2022 Pasal 8"'),
        _arg("--reason", required=True, help="why (recorded in the case history)"),
        _arg("--by", help="the officer running the erasure (default: operator)"),
    ),
    "archive due": _command(
        "alur.commands.archive:due", _arg("--json", action="store_true", help="print JSON")
    ),
    "lapor import": _command(
        "alur.commands.lapor:import_reports",
        _arg("file", help="the report sheet downloaded from the LAPOR! admin panel"),
    ),
    "lapor export": _command(
        "alur.commands.lapor:export_follow_ups",
        _arg("--since", required=True, help="ISO 8601 date or moment, e.g. 2026-03-01"),
        _arg("--out", help="write the sheet here (.xlsx or .csv; default: CSV to stdout)"),
    ),
    "lapor sync": _command(
        "alur.commands.lapor:sync",
        _arg("--since", required=True, help="ISO 8601 date or moment, e.g. 2026-03-01"),
    ),
    "events schemas": _command(
        _schemas, _arg("--out", help="write one file per event type into this folder")
    ),
}


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="alur", description="Run Indonesian public-service SOPs.")
    commands = root.add_subparsers(dest="command", required=True)
    groups: dict[str, Any] = {"": commands}
    for words, command in COMMANDS.items():
        group, _, name = words.rpartition(" ")
        _group(groups, group)
        sub = groups[group].add_parser(name, help=HELP[words])
        for flags, options in command.arguments:
            sub.add_argument(*flags, **options)
        sub.set_defaults(handler=command.handler)
    return root


def _group(groups: dict[str, Any], group: str) -> None:
    """The subcommands of `alur GROUP …` (dest GROUP_command; `open311 keys`: open311_keys_command),
    made with the groups above it."""
    if group in groups:
        return
    parent, _, name = group.rpartition(" ")
    _group(groups, parent)
    groups[group] = (
        groups[parent]
        .add_parser(name, help=HELP[group])
        .add_subparsers(dest=f"{group.replace(' ', '_')}_command", required=True)
    )


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
