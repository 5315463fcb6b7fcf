"""Keystroke benchmark of `labelc lsp` (not a test: run by hand, figures in
docs/performance.md).

    python3 tests/lsp/bench_keystroke.py [LABELC]

The workspace is a copy of the reference policies plus a generated scheme
that brings it to about 1 MB. The script opens the generated file, then
sends single-character edits (`didChange`, incremental), each answered
with diagnostics, and reports the time from the edit to the last
`publishDiagnostics` of the compilation."""

import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[2]
LABELC = sys.argv[1] if len(sys.argv) > 1 else str(REPO / "target" / "release" / "labelc")


def frame(payload):
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read(out):
    length = 0
    while True:
        line = out.readline()
        if line in (b"\r\n", b""):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(out.read(length))


def cpu_seconds(pid):
    """User and system CPU time of a process so far (Linux)."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    root = pathlib.Path(tempfile.mkdtemp())
    shutil.copytree(REPO / "policies", root / "policies")
    size = sum(p.stat().st_size for p in (root / "policies").rglob("*.policy"))
    criteria = []
    n = 0
    parts = ['scheme bench@1 {\n    title "Benchmark"\n    category all_products { title "All" }\n']
    while size + sum(map(len, parts)) < 1_000_000:
        n += 1
        parts.append(
            f'    criterion B-{n} {{\n        title "Generated criterion {n} for the keystroke benchmark"\n'
            f'        applies_to all\n        status confirmed\n'
            f'        condition default_password.unique and password.weak_rejected\n    }}\n'
        )
        criteria.append(f"B-{n}")
    parts.append("    level 1 {\n" + "".join(f"        require {c}\n" for c in criteria) + "    }\n}\n")
    text = "".join(parts)
    bench = root / "policies" / "bench.policy"
    bench.write_text(text, encoding="utf-8")
    total = sum(p.stat().st_size for p in (root / "policies").rglob("*.policy"))
    files = len(list((root / "policies").rglob("*.policy")))

    server = subprocess.Popen([LABELC, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    send = lambda p: (server.stdin.write(frame(p)), server.stdin.flush())
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"capabilities": {}, "rootUri": (root / "policies").as_uri()}})
    read(server.stdout)
    uri = bench.as_uri()

    def publications():
        """Reads until every file of the compilation has had its diagnostics."""
        seen = set()
        while len(seen) < files:
            message = read(server.stdout)
            if message.get("method") == "textDocument/publishDiagnostics":
                seen.add(message["params"]["uri"])

    start = time.perf_counter()
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": "labelc", "version": 1, "text": text}}})
    publications()
    first = time.perf_counter() - start
    line = text.count("\n", 0, text.index("Generated criterion 1 "))
    times = []
    cpu_before = cpu_seconds(server.pid)
    for version in range(2, 52):
        character = 15 + version % 2
        edit = {"range": {"start": {"line": line, "character": character},
                          "end": {"line": line, "character": character}}, "text": "x"}
        start = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [edit]}})
        publications()
        times.append((time.perf_counter() - start) * 1000)
    cpu = (cpu_seconds(server.pid) - cpu_before) / 50 * 1000
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    read(server.stdout)
    send({"jsonrpc": "2.0", "method": "exit"})
    server.wait(timeout=30)
    shutil.rmtree(root)
    times.sort()
    print(f"workspace: {files} files, {total} bytes; generated scheme: {n} criteria")
    print(f"open (first full compilation): {first * 1000:.0f} ms")
    print(f"keystroke -> all diagnostics, 50 edits: median {statistics.median(times):.0f} ms, "
          f"p90 {times[int(len(times) * 0.9)]:.0f} ms, max {times[-1]:.0f} ms; "
          f"server CPU time per edit {cpu:.0f} ms")


if __name__ == "__main__":
    main()
