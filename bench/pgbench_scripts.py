#!/usr/bin/env python3
"""pgbench scripts that run exactly the transactions podmeta-server ran.

  bench/pgbench_scripts.py POSTGRESQL_LOG TAG OUT_DIR OPERATION...

POSTGRESQL_LOG is a server log written with log_statement = 'all' and
log_line_prefix = '[%p] ' while bench_write_load made one call of each
OPERATION with the tag TAG (ROUNDxN) on client 0 (podcast wbp0). For each
operation, the transaction (BEGIN ... COMMIT on one backend) holding its
request id wb-TAG-OPERATION becomes OUT_DIR/OPERATION.sql: the same
statements, in the same order and transaction, each with the parameters it was
sent, as pgbench -M prepared sends them (bound parameters of a prepared
statement, as podmeta's are). What must differ between calls is made per
transaction: TAG becomes '1x' || a random number, wbp0 becomes 'wbp' ||
pgbench's client id, so each pgbench client writes its own podcast as each
bench_write_load client does. Those values are made by one SELECT ... \\gset
before the transaction: pgbench's one extra round trip, outside the
transaction.
"""
import re
import sys

ENTRY = re.compile(r"^\[(\d+)\] (LOG|DETAIL|ERROR|STATEMENT|HINT|CONTEXT|WARNING|NOTICE):  (.*)$")
PARAMETER = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')", re.S)
PLACEHOLDER = re.compile(r"\$(\d+)")
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def entries(path):
    """(pid, kind, text) for each log entry; continuation lines (a tab) joined."""
    current = None
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            line = line.rstrip("\n")
            match = ENTRY.match(line)
            if match:
                if current:
                    yield current
                current = [match.group(1), match.group(2), match.group(3)]
            elif line.startswith("\t") and current:
                current[2] += "\n" + line[1:]
            else:
                if current:
                    yield current
                current = None
    if current:
        yield current


def transactions(path):
    """Each backend's transactions: lists of (sql, {number: value or None})."""
    open_by_pid, done = {}, []
    for pid, kind, text in entries(path):
        if kind == "LOG" and text.startswith("statement: "):
            sql = text[len("statement: "):]
            if sql == "BEGIN":
                open_by_pid[pid] = []
            elif sql == "COMMIT" and pid in open_by_pid:
                done.append(open_by_pid.pop(pid))
            elif pid in open_by_pid:
                open_by_pid[pid].append([sql, {}])
        elif kind == "LOG" and text.startswith("execute ") and pid in open_by_pid:
            sql = text.split(": ", 1)[1]
            open_by_pid[pid].append([sql, {}])
        elif kind == "DETAIL" and text.startswith("parameters: ") and open_by_pid.get(pid):
            values = {}
            for number, value in PARAMETER.findall(text[len("parameters: "):]):
                values[int(number)] = None if value == "NULL" else value[1:-1].replace("''", "'")
            open_by_pid[pid][-1][1] = values
    return done


def literal(text):
    """A one-line SQL string literal of `text`."""
    if not any(c in text for c in "\\\n\r\t"):
        return "'" + text.replace("'", "''") + "'"
    escaped = text.replace("\\", "\\\\").replace("'", "''").replace("\n", "\\n").replace("\r", "\\r")
    return "E'" + escaped.replace("\t", "\\t") + "'"


def expression(value, tag, uuids):
    """SQL making `value` for this pgbench client and transaction."""
    pieces = re.split(f"({re.escape(tag)}|wbp0|{UUID})", value)
    parts = []
    for piece in pieces:
        if piece == tag:
            parts.append("('1x' || :n)")
        elif piece == "wbp0":
            parts.append("('wbp' || :client_id)")
        elif re.fullmatch(UUID, piece or ""):
            # A guid the server made: a new one per transaction, the same
            # wherever the captured one appeared.
            number = uuids.setdefault(piece, len(uuids))
            parts.append(f"(md5(:client_id || '/' || :n || '/{number}')::uuid::text)")
        elif piece:
            parts.append(literal(piece))
    return " || ".join(parts) if parts else "''"


def script(transaction, tag):
    columns, statements, uuids = [], [], {}
    for index, (sql, values) in enumerate(transaction):
        def bound(match, index=index, values=values):
            number = int(match.group(1))
            if number not in values:
                raise SystemExit(f"no value logged for ${number} of: {sql[:80]}")
            if values[number] is None:
                return "NULL"
            name = f"p{index}_{number}"
            if name not in seen:
                seen.add(name)
                columns.append(f"{expression(values[number], tag, uuids)} AS {name}")
            return f":{name}"
        seen = set()
        statements.append(PLACEHOLDER.sub(bound, sql).rstrip().rstrip(";") + ";")
    lines = ["\\set n random(1, 1000000000000)"]
    if columns:
        # pgbench ends a meta-command at the line's end: one line.
        lines.append("SELECT " + ", ".join(columns) + " \\gset")
    lines += ["BEGIN;", *statements, "COMMIT;"]
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) < 5:
        raise SystemExit(__doc__)
    log, tag, out = sys.argv[1:4]
    found = transactions(log)
    for operation in sys.argv[4:]:
        request_id = f"wb-{tag}-{operation}"
        chosen = [t for t in found if any(request_id in (v or "") for _, values in t for v in values.values())]
        if not chosen:
            raise SystemExit(f"pgbench_scripts: no transaction with request id {request_id} in {log}")
        with open(f"{out}/{operation}.sql", "w", encoding="utf-8") as file:
            file.write(script(chosen[0], tag))
        print(f"{operation}: {len(chosen[0])} statements", file=sys.stderr)


if __name__ == "__main__":
    main()
