"""`alur sop import PATH [--json]`, `alur sop list` and `alur sop chart SOP_ID` (CONTRACT.md
"Commands")."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
from pathlib import Path

import yaml

from runtime.database import DatabaseUnreachable, connect_pool
from runtime.settings import AlurSettings
from sop.chart import render_svg
from sop.definition import SopDefinition, SourceDocument
from sop.importer import UnreadableDocument, draft_definition, read_bytes, summary
from sop.registry import InvalidDefinition, SopRegistry, UnknownSop


def import_sop(args: argparse.Namespace) -> int:
    path = Path(args.path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        print(f"error: cannot read {path}: {error}", file=sys.stderr)
        return 1
    try:
        document = read_bytes(raw, source=str(path))
    except UnreadableDocument as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    source = SourceDocument(file=path.name, sha256=hashlib.sha256(raw).hexdigest())
    try:
        definition, warnings, stored = asyncio.run(_draft_and_store(document, source, path))
    except InvalidDefinition as error:
        print(f"error: {path}: {error}", file=sys.stderr)
        return 1
    report = summary(document, definition)
    report["warnings"] = list(dict.fromkeys([*report["warnings"], *warnings]))
    if args.json:
        report["id"] = definition.id
        report["version"] = definition.version if stored else None
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(
            yaml.safe_dump(definition.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
        )
        for warning in report["warnings"]:
            print(f"warning: {warning}", file=sys.stderr)
    print(stored or "not stored: no database", file=sys.stderr)
    return 0


async def _draft_and_store(
    document: object, source: SourceDocument, path: Path
) -> tuple[SopDefinition, list[str], str | None]:
    """Draft the definition (as a revision if the SOP is known) and store it, if PostgreSQL is up.

    Without a database the definition is still printed; the message on stderr says so.
    """
    first, warnings = draft_definition(document, None)
    try:
        pool = await connect_pool(AlurSettings().database_url, wait_seconds=3)
    except DatabaseUnreachable as error:
        print(f"warning: {error}", file=sys.stderr)
        return first.model_copy(update={"source": source}), warnings, None
    try:
        registry = SopRegistry(pool)
        await registry.create()
        await registry.load_shipped()
        previous = await registry.matching(first.header)
        definition, warnings = (
            draft_definition(document, previous)
            if previous
            else (
                first,
                warnings,
            )
        )
        saved = await registry.save(
            definition.model_copy(update={"source": source}), origin=str(path)
        )
    finally:
        await pool.close()
    verb = "stored as" if saved.created else "unchanged: already"
    return (
        saved.definition,
        warnings,
        f"{verb} {saved.definition.id} version {saved.definition.version}",
    )


def list_sops(args: argparse.Namespace) -> int:
    try:
        versions = asyncio.run(_versions())
    except DatabaseUnreachable as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": v.sop_id,
                        "name": v.name,
                        "unit": v.unit,
                        "version": v.version,
                        "steps": v.steps,
                        "origin": v.origin,
                        "created_at": v.created_at.isoformat(),
                    }
                    for v in versions
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    rows = [("ID", "VERSION", "STEPS", "NAME", "UNIT")]
    rows += [(v.sop_id, str(v.version), str(v.steps), v.name, v.unit or "") for v in versions]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        print(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[4]
        )
    return 0


async def _versions():  # type: ignore[no-untyped-def]
    pool = await connect_pool(AlurSettings().database_url)
    try:
        registry = SopRegistry(pool)
        await registry.create()
        await registry.load_shipped()
        return await registry.versions()
    finally:
        await pool.close()


def chart(args: argparse.Namespace) -> int:
    """The SOP-AP flowchart of a loaded SOP (its latest version, or `--version`) as SVG, to
    `--out` or stdout. Unknown SOP or version, or a highlighted step it lacks: exit 1 / 2."""
    try:
        definition = asyncio.run(_definition(args.sop_id, args.version))
    except DatabaseUnreachable as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except UnknownSop:
        which = f"{args.sop_id} version {args.version}" if args.version else args.sop_id
        print(f"error: no SOP {which} is loaded (see `alur sop list`)", file=sys.stderr)
        return 1
    highlight = args.highlight or []
    missing = [n for n in highlight if not 1 <= n <= len(definition.steps)]
    if missing:
        print(
            f"error: --highlight: {definition.id} version {definition.version} has steps "
            f"1..{len(definition.steps)}, not {', '.join(map(str, missing))}",
            file=sys.stderr,
        )
        return 2
    svg = render_svg(definition, highlight)
    if args.out:
        try:
            Path(args.out).write_text(svg, encoding="utf-8")
        except OSError as error:
            print(f"error: cannot write {args.out}: {error}", file=sys.stderr)
            return 1
        print(f"{definition.id} version {definition.version} -> {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(svg)
    return 0


async def _definition(sop_id: str, version: int | None) -> SopDefinition:
    pool = await connect_pool(AlurSettings().database_url, wait_seconds=3)
    try:
        registry = SopRegistry(pool)
        await registry.create()
        await registry.load_shipped()
        if version is None:
            return await registry.latest(sop_id)
        return await registry.version(sop_id, version)
    finally:
        await pool.close()
