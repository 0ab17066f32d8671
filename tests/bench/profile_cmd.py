#!/usr/bin/env python3
"""Where one netlog command spends its time: cProfile, SQL statements, imports.

    .venv/bin/python tests/bench/profile_cmd.py [--sql] [--top N] [--sort cumulative|tottime] -- ARGS...

runs ``netlog ARGS`` in this process under cProfile (netlog ends with
os._exit, so the profile is written just before it), prints the top functions,
and with ``--sql`` every SQL statement with its time and the EXPLAIN QUERY
PLAN of the slow ones. Use NETLOG_DB / --db and NETLOG_TODAY as for netlog.
For import costs use ``python -X importtime -m netlog ARGS`` (see README.md).
Not a test, and not part of the benchmark's figures.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sql", action="store_true", help="time every SQL statement (imports SQLAlchemy up front)")
    ap.add_argument("--slow-ms", type=float, default=5.0, help="EXPLAIN QUERY PLAN for statements slower than this")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--sort", default="cumulative")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    argv = a.args[1:] if a.args[:1] == ["--"] else a.args
    statements: list[tuple[float, str, object, object]] = []
    if a.sql:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        @event.listens_for(Engine, "before_cursor_execute")
        def _before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            conn.info.setdefault("t0", []).append(time.perf_counter())

        @event.listens_for(Engine, "after_cursor_execute")
        def _after(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            ms = (time.perf_counter() - conn.info["t0"].pop()) * 1000
            plan = None
            if ms >= a.slow_ms and statement.lstrip().upper().startswith(("SELECT", "WITH")) and not executemany:
                try:
                    raw = conn.connection.driver_connection
                    plan = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
                except Exception as e:  # noqa: BLE001
                    plan = [("?", "?", "?", f"no plan: {e}")]
            statements.append((ms, statement, parameters, plan))

    profile = cProfile.Profile()
    real_exit = os._exit
    t0 = time.perf_counter()

    def report(code: int) -> None:
        profile.disable()
        wall = (time.perf_counter() - t0) * 1000
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(a.sort).print_stats(a.top)
        err = sys.__stderr__
        print(f"\n=== netlog {' '.join(argv)}: exit {code}, {wall:.0f} ms in-process (profiled)", file=err)
        print(out.getvalue(), file=err)
        if a.sql:
            total = sum(s[0] for s in statements)
            print(f"=== {len(statements)} SQL statements, {total:.1f} ms in the driver", file=err)
            for ms, sql, params, plan in sorted(statements, key=lambda s: -s[0])[:15]:
                flat = " ".join(sql.split())
                print(f"{ms:9.1f} ms  {flat[:400]}{' ...' if len(flat) > 400 else ''}", file=err)
                if plan:
                    for row in plan:
                        print(f"{'':14}plan: {row[-1]}", file=err)
        err.flush()
        real_exit(code)

    os._exit = report  # type: ignore[assignment]
    sys.argv = ["netlog", *argv]
    profile.enable()
    from netlog.__main__ import main as netlog_main

    netlog_main()


if __name__ == "__main__":
    main()
