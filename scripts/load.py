#!/usr/bin/env python3
"""Load benchmark: the full Relais server against the bare baseline, in one run.

Generates (once, cached under target/load/) a synthetic network with
`relais-bench generate`, starts `relais serve` and `relais-bench baseline` on
it, signs in, and drives both with oha (https://github.com/hatoo/oha, from
crates.io: `cargo install oha --locked`), reporting requests/s, p50 and p99
for the case list, a person page, the referral inbox, sign-in and a case
update (POST), plus start-to-ready time and resident memory. See
docs/performance.md for the targets and the figures.

  scripts/load.py                                  # SQLite, default scale (10 × 100k)
  scripts/load.py --backend postgres --database-url postgres://…/relais_load
  scripts/load.py --smoke                          # CI: tiny data, debug build, 1 s runs

Results: a Markdown table on stdout and target/load/results-<backend>.json.
"""

from __future__ import annotations

import argparse
import atexit
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROCESSES: list[subprocess.Popen] = []


def stop_all() -> None:
    for p in PROCESSES:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


atexit.register(stop_all)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message: str) -> None:
    print(f"load: {message}", file=sys.stderr, flush=True)


# --- HTTP helpers (standard library only) ---------------------------------------------------------


class Client:
    """A tiny cookie-keeping HTTP client for signing in and finding ids."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.host, self.port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, dict]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Origin": self.base}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, text, dict(response.getheaders())

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items() if v)

    def sign_in(self, email: str, password: str) -> None:
        self.request("GET", "/login")
        status, _, _ = self.request(
            "POST", "/login", {"email": email, "password": password, "_csrf": self.cookies.get("relais_csrf", "")}
        )
        if status != 303 or not self.cookies.get("relais_session"):
            raise SystemExit(f"load: signing in as {email} failed (HTTP {status})")

    def csrf(self, path: str) -> str:
        _, html, _ = self.request("GET", path)
        match = re.search(r'name="_csrf" value="([^"]+)"', html)
        if not match:
            raise SystemExit(f"load: no form token on {path}")
        return match.group(1)


def wait_ready(base: str, process: subprocess.Popen, what: str, limit: float = 120.0) -> float:
    """Seconds from now until GET /readyz answers 200."""
    started = time.monotonic()
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    while time.monotonic() - started < limit:
        if process.poll() is not None:
            raise SystemExit(f"load: {what} stopped at start (exit {process.returncode}); see its log")
        try:
            conn = http.client.HTTPConnection(host, port, timeout=2)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.005)
    raise SystemExit(f"load: {what} was not ready within {limit:.0f} s")


# --- oha ------------------------------------------------------------------------------------------


def oha(url: str, duration: float, connections: int, rate: int | None = None, method: str = "GET",
        headers: dict[str, str] | None = None, body: str | None = None) -> dict:
    command = ["oha", "--no-tui", "--output-format", "json", "-z", f"{duration}s", "-c", str(connections),
               "--redirect", "0"]
    if rate:
        command += ["-q", str(rate), "--latency-correction"]
    if method != "GET":
        command += ["-m", method]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if body is not None:
        command += ["-T", "application/x-www-form-urlencoded", "-d", body]
    command.append(url)
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    data = json.loads(output)
    summary, percentiles = data["summary"], data.get("latencyPercentiles") or {}
    return {
        "url": url.split("?")[0],
        "rps": summary.get("requestsPerSec") or 0.0,
        "p50_ms": (percentiles.get("p50") or 0.0) * 1000,
        "p99_ms": (percentiles.get("p99") or 0.0) * 1000,
        "statuses": data.get("statusCodeDistribution") or {},
        # Requests still in flight when the run's time is up are not errors.
        "errors": {k: v for k, v in (data.get("errorDistribution") or {}).items() if "deadline" not in k},
        "offered_rps": rate,
        "connections": connections,
        "seconds": duration,
    }


# --- the run --------------------------------------------------------------------------------------


def build(profile: str) -> Path:
    flag = ["--release"] if profile == "release" else []
    log(f"building relais and relais-bench ({profile})")
    subprocess.run(["cargo", "build", *flag, "-p", "relais", "-p", "relais-bench"], cwd=ROOT, check=True)
    return ROOT / "target" / ("release" if profile == "release" else "debug")


def generate(bin_dir: Path, args: argparse.Namespace, database: str, logins: Path) -> float | None:
    marker = logins.with_suffix(".done")
    if marker.exists() and logins.exists():
        log(f"reusing generated data ({database})")
        return json.loads(marker.read_text()).get("seconds")
    command = [str(bin_dir / "relais-bench"), "generate", "--database", database, "--logins", str(logins),
               "--tenants", str(args.tenants), "--people-per-tenant", str(args.people),
               "--small-tenant", str(args.small), "--users", str(args.users), "--referrals", str(args.referrals),
               "--events", str(args.events), "--audit", str(args.audit), "--seed", str(args.seed)]
    log("generating: " + " ".join(command[1:]))
    started = time.monotonic()
    subprocess.run(command, check=True, stdout=sys.stderr)
    seconds = time.monotonic() - started
    marker.write_text(json.dumps({"seconds": seconds, "command": command[1:]}))
    return seconds


def settle(bin_dir: Path, database: str, work: Path) -> float | None:
    """Runs the scheduled jobs once, so the server starts with nothing due.

    Generated data is dated before today: the first pass reminds, escalates
    and expires the referrals left waiting (and queues their e-mails).
    """
    marker = work / "settled"
    env = {**os.environ, "RELAIS_DATABASE__URL": database, "RELAIS_DATABASE__MIGRATE_ON_START": "false"}
    env.pop("RELAIS_CONFIG", None)
    # Always: data generated by an older build gets the migrations added since.
    subprocess.run([str(bin_dir / "relais"), "migrate"], env=env, check=True, stdout=sys.stderr)
    if marker.exists():
        return json.loads(marker.read_text()).get("seconds")
    log("settling: relais jobs run-once")
    started = time.monotonic()
    subprocess.run([str(bin_dir / "relais"), "jobs", "run-once"], env=env, check=True, stdout=sys.stderr)
    seconds = time.monotonic() - started
    marker.write_text(json.dumps({"seconds": seconds}))
    return seconds


def start_server(bin_dir: Path, database: str, port: int, logs: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env.update({
        "RELAIS_DATABASE__URL": database,
        "RELAIS_SERVER__BIND": f"127.0.0.1:{port}",
        "RELAIS_SERVER__PUBLIC_URL": f"http://127.0.0.1:{port}",
        "RELAIS_DATABASE__MIGRATE_ON_START": "false",
    })
    env.pop("RELAIS_CONFIG", None)
    process = subprocess.Popen([str(bin_dir / "relais"), "serve"], env=env, stdout=logs.open("a"),
                               stderr=subprocess.STDOUT)
    PROCESSES.append(process)
    return process


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    to_mb = lambda v: int(v.split()[0]) / 1024  # noqa: E731 (kB)
    return to_mb(fields.get("VmRSS", "0 kB")), to_mb(fields.get("VmHWM", "0 kB"))


def pick(logins: list[dict], **want) -> dict:
    for entry in logins:
        if all(str(entry.get(k)) == str(v) for k, v in want.items()):
            return entry
    raise SystemExit(f"load: no generated sign-in with {want}: {logins}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", help="PostgreSQL database to fill (it is emptied first by the generator)")
    parser.add_argument("--logins", help="with --database-url: the sign-ins file its generation wrote (skips generating)")
    parser.add_argument("--smoke", action="store_true", help="tiny data, debug build, 1 s per run (CI)")
    parser.add_argument("--profile", choices=["release", "debug"])
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run")
    parser.add_argument("--tenants", type=int, default=10)
    parser.add_argument("--people", type=int, default=100_000, help="people (and cases) per big tenant")
    parser.add_argument("--small", type=int, default=10_000, help="people (and cases) in the small tenant")
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--referrals", type=int, default=50_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--audit", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--connections", type=int, default=8, help="connections of the throughput runs")
    args = parser.parse_args()
    if args.smoke:
        args.tenants, args.people, args.small, args.users = 2, 300, 100, 40
        args.referrals, args.events, args.audit, args.duration = 60, 600, 600, 1.0
    profile = args.profile or ("debug" if args.smoke else "release")
    if not shutil.which("oha"):
        raise SystemExit("load: oha is not installed (cargo install oha --locked)")

    bin_dir = ROOT / "target" / ("release" if profile == "release" else "debug")
    if not args.no_build:
        bin_dir = build(profile)
    scale = f"{args.tenants}x{args.people}-{args.small}-{args.users}u-{args.referrals}r-{args.events}e-{args.audit}a-s{args.seed}"
    if args.logins:
        scale = f"given database ({Path(args.logins).name})"
    work = ROOT / "target" / "load" / f"{args.backend}-{re.sub(r'[^A-Za-z0-9._-]+', '_', scale)}"
    work.mkdir(parents=True, exist_ok=True)
    if args.database_url:
        database = args.database_url  # PostgreSQL, or an existing generated SQLite file (with --logins)
    elif args.backend == "sqlite":
        database = str(work / "relais.db")
    else:
        raise SystemExit("load: --backend postgres needs --database-url")
    logins_file = Path(args.logins) if args.logins else work / "logins.json"
    generation_seconds = None if args.logins else generate(bin_dir, args, database, logins_file)
    logins = json.loads(logins_file.read_text())
    settle_seconds = settle(bin_dir, database, work)

    server_log, baseline_log = work / "server.log", work / "baseline.log"
    # Start to ready, on a migrated database: three starts, the median kept.
    starts = []
    for _ in range(3):
        port = free_port()
        started = time.monotonic()
        server = start_server(bin_dir, database, port, server_log)
        wait_ready(f"http://127.0.0.1:{port}", server, "relais serve", 60)
        starts.append(time.monotonic() - started)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    start_to_ready = sorted(starts)[1]
    port = free_port()
    server = start_server(bin_dir, database, port, server_log)
    base = f"http://127.0.0.1:{port}"
    wait_ready(base, server, "relais serve")
    baseline_port = free_port()
    baseline = subprocess.Popen(
        [str(bin_dir / "relais-bench"), "baseline", "--database", database, "--bind", f"127.0.0.1:{baseline_port}"],
        stdout=baseline_log.open("a"), stderr=subprocess.STDOUT)
    PROCESSES.append(baseline)
    baseline_base = f"http://127.0.0.1:{baseline_port}"
    wait_ready(baseline_base, baseline, "relais-bench baseline")

    big = pick(logins, role="caseworker", size=args.people)
    small = pick(logins, role="caseworker", size=args.small)
    # The referral inbox of the caseworker whose tenant received the most referrals.
    receiver = max((e for e in logins if e.get("role") == "caseworker"), key=lambda e: e.get("received_referrals") or 0)
    sessions = {}
    for name, who in (("big", big), ("small", small), ("receiver", receiver)):
        client = Client(base)
        client.sign_in(who["email"], who["password"])
        sessions[name] = client
    cw = sessions["big"]
    # The generator names one case and one person of each tenant; otherwise take them from the pages.
    case_id, person_id = big.get("case_id"), big.get("person_id")
    if not case_id:
        _, cases_html, _ = cw.request("GET", "/cases")
        case_id = re.findall(r'href="/cases/([0-9a-f-]{36})"', cases_html)[0]
    if not person_id:
        _, people_html, _ = cw.request("GET", "/beneficiaries")
        person_id = re.findall(r'href="/beneficiaries/([0-9a-f-]{36})"', people_html)[0]
    token = cw.csrf(f"/cases/{case_id}")
    login_client = Client(base)
    login_client.request("GET", "/login")
    anon_csrf = login_client.cookies["relais_csrf"]

    def full(client: Client) -> dict[str, str]:
        return {"Cookie": client.cookie_header()}

    d, c = args.duration, args.connections
    results = {}

    def record(name: str, result: dict) -> None:
        result["server_rss_mb"] = rss_mb(server.pid)[0]
        results[name] = result

    big_list, small_list = f"{baseline_base}/t/{big['tenant_id']}/cases", f"{baseline_base}/t/{small['tenant_id']}/cases"
    log("case list: throughput, full server and baseline")
    record("case_list_full", oha(f"{base}/cases", d, c, headers=full(cw)))
    record("case_list_baseline", oha(big_list, d, c))
    log("case list at 1,000 req/s offered: big and small tenant, full server and baseline")
    record("case_list_full_1000rps_big", oha(f"{base}/cases", d, 32, rate=1000, headers=full(cw)))
    record("case_list_full_1000rps_small", oha(f"{base}/cases", d, 32, rate=1000, headers=full(sessions["small"])))
    record("case_list_baseline_1000rps_big", oha(big_list, d, 32, rate=1000))
    record("case_list_baseline_1000rps_small", oha(small_list, d, 32, rate=1000))
    log("person page, referral inbox")
    record("person_page", oha(f"{base}/beneficiaries/{person_id}", d, c, headers=full(cw)))
    record("referral_inbox", oha(f"{base}/referrals", d, c, headers=full(sessions["receiver"])))
    log("sign-in (argon2id on every request)")
    login_body = urllib.parse.urlencode({"email": big["email"], "password": big["password"], "_csrf": anon_csrf})
    record("sign_in", oha(f"{base}/login", d, 4, method="POST", body=login_body,
                          headers={"Cookie": f"relais_csrf={anon_csrf}", "Origin": base}))
    log("case update (a note) at 500 req/s offered")
    note = urllib.parse.urlencode({"_csrf": token, "body": "Entretien de suivi (charge).", "visibility": "normal"})
    record("case_update_500rps", oha(f"{base}/cases/{case_id}/notes", d, 32, rate=500, method="POST",
                                     body=note, headers={**full(cw), "Origin": base}))
    rss_now, rss_peak = rss_mb(server.pid)
    baseline_rss, baseline_peak = rss_mb(baseline.pid)

    report = {
        "backend": args.backend, "profile": profile, "scale": scale, "duration_s": d,
        "generation_seconds": generation_seconds, "settle_seconds": settle_seconds, "start_to_ready_s": start_to_ready, "start_samples_s": starts,
        "server_rss_mb": rss_now, "server_peak_rss_mb": rss_peak, "baseline_peak_rss_mb": baseline_peak,
        "results": results, "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
    }
    out = ROOT / "target" / "load" / f"results-{args.backend}{'-smoke' if args.smoke else ''}.json"
    out.write_text(json.dumps(report, indent=2))
    print_table(report)
    bad = {k: r["statuses"] for k, r in results.items()
           if any(not code.startswith(("2", "3")) for code in r["statuses"]) or r["errors"]}
    if bad:
        log(f"some runs had errors or unexpected statuses: {json.dumps(bad)}")
        return 1
    log(f"results in {out.relative_to(ROOT)}")
    return 0


def print_table(report: dict) -> None:
    r = report["results"]
    print(f"\n{report['backend']} ({report['profile']}, {report['scale']}, {report['duration_s']:.0f} s per run)\n")
    print("| run | req/s | p50 ms | p99 ms | statuses | server RSS after, MB |")
    print("|---|---:|---:|---:|---|---:|")
    for name, row in r.items():
        offered = f" (offered {row['offered_rps']}/s)" if row["offered_rps"] else ""
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(row["statuses"].items()))
        print(f"| {name}{offered} | {row['rps']:.0f} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {statuses} "
              f"| {row.get('server_rss_mb', 0):.0f} |")
    ratio = r["case_list_full"]["rps"] / max(r["case_list_baseline"]["rps"], 1e-9)
    growth = r["case_list_full_1000rps_big"]["p99_ms"] / max(r["case_list_full_1000rps_small"]["p99_ms"], 1e-9)
    print(f"\ncase list throughput, full / baseline: {ratio:.2f}")
    print(f"case list p99 at 1,000 req/s, big tenant / small tenant: {growth:.2f}")
    print(f"start to ready: {report['start_to_ready_s'] * 1000:.0f} ms (median of 3)")
    print(f"server resident memory: {report['server_rss_mb']:.0f} MB now, {report['server_peak_rss_mb']:.0f} MB peak")


if __name__ == "__main__":
    sys.exit(main())
