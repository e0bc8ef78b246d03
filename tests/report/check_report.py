#!/usr/bin/python3
"""clvsim report in a real browser.

Generates reports for (a) scenarios/buyer_types.yaml run small, (b) a small
sweep and (c) a small sensitivity analysis, then opens each report.html in
headless Chromium (Debian's `chromium`) and checks that

- the page loads with no console message at all (the report has no script,
  so any message is an error: a bad resource, a parse problem);
- the page requests nothing from the network (Chromium's net log: no
  request made on behalf of the file:// page);
- the expected charts are in the DOM (data-chart="..." on <svg> elements,
  with drawn content), and the verdict paragraph is there;
- a screenshot is not blank: mostly white paper, but with text and with
  the chart palette's colours actually painted.

Chromium missing is a failure, never a skip: run tools/install_deps.sh.

Usage: check_report.py --clvsim BUILD/clvsim --root SOURCE_DIR [--keep DIR]
Prints one line per check and "N passed, M failed" at the end; exit 0 only
when everything passed.
"""
import argparse
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile

SMALL = ["--replications", "8", "--quiet",
         "--set", "segments.transactional.customers=4000",
         "--set", "segments.consultative.customers=1500",
         "--set", "segments.strategic.customers=150"]

# Okabe-Ito colours of the first three series (svg_chart.cpp).
PALETTE = {"blue": (0x00, 0x72, 0xB2), "vermillion": (0xD5, 0x5E, 0x00),
           "green": (0x00, 0x9E, 0x73)}

passed = 0
failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok    {what}")
    else:
        failed += 1
        print(f"FAIL  {what}" + (f": {detail}" if detail else ""))
    return ok


def find_chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium_args(profile):
    # No first-run UI, no sync, updates or background traffic; every host
    # name unresolvable, so not even Chromium's own housekeeping leaves the
    # machine.
    return ["--headless=new", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--no-default-browser-check",
            "--disable-default-apps", "--disable-extensions", "--no-pings",
            "--disable-domain-reliability", "--metrics-recording-only",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={profile}"]


class ChartCollector(html.parser.HTMLParser):
    """data-chart kinds of <svg> elements, and how many shapes each holds."""

    def __init__(self):
        super().__init__()
        self.charts = []  # [kind, shapes]
        self.depth = 0
        self.verdicts = 0
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "p" and "data-verdict" in a:
            self.verdicts += 1
        if tag == "svg":
            self.charts.append([a.get("data-chart"), 0])
            self.depth += 1
        elif self.depth and tag in ("path", "rect", "circle", "polygon"):
            self.charts[-1][1] += 1

    def handle_endtag(self, tag):
        if tag == "svg" and self.depth:
            self.depth -= 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def page_requests(net_log_path):
    """URLs the page asked for: requests whose isolation key is file://."""
    with open(net_log_path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    # Chromium may stop before closing the JSON; close it ourselves.
    try:
        log = json.loads(text)
    except json.JSONDecodeError:
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    urls = []
    for event in log.get("events", []):
        params = event.get("params") or {}
        url = params.get("url", "")
        key = params.get("network_isolation_key", "")
        if url and "file://" in key and not url.startswith(("file:", "data:")):
            urls.append(url)
    return sorted(set(urls))


def open_in_browser(chromium, report, work, name, expected):
    url = "file://" + os.path.abspath(report)
    with open(report, encoding="utf-8") as f:
        source = f.read()
    for needle in ("http:", "https:", "<script", "src=", "@import", "<link"):
        check(needle not in source, f"{name}: report.html has no '{needle}'")

    # 1. The DOM after loading, with console logging and a net log.
    profile = tempfile.mkdtemp(dir=work, prefix="profile-")
    net_log = os.path.join(work, f"{name}-net.json")
    dom = subprocess.run(
        [chromium, *chromium_args(profile), "--enable-logging=stderr", "--v=0",
         f"--log-net-log={net_log}", "--dump-dom", url],
        capture_output=True, text=True, timeout=120)
    check(dom.returncode == 0, f"{name}: chromium --dump-dom exits 0", dom.stderr[-2000:])
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    check(not console, f"{name}: no console messages", "\n".join(console[:10]))
    if os.path.exists(net_log):
        urls = page_requests(net_log)
        check(not urls, f"{name}: the page requests nothing from the network", ", ".join(urls[:10]))
    else:
        check(False, f"{name}: chromium wrote its net log", net_log)

    parser = ChartCollector()
    parser.feed(dom.stdout)
    kinds = {}
    for kind, shapes in parser.charts:
        kinds.setdefault(kind, []).append(shapes)
    for kind, minimum in expected.items():
        found = kinds.get(kind, [])
        check(len(found) >= minimum, f"{name}: at least {minimum} '{kind}' charts in the DOM",
              f"found {len(found)}")
        check(all(s >= 5 for s in found), f"{name}: every '{kind}' chart has drawn shapes",
              f"shapes per chart: {found}")
    check(parser.scripts == 0, f"{name}: no <script> in the DOM")
    if "survival" in expected:
        check(parser.verdicts >= 1, f"{name}: the verdict paragraph is in the DOM")

    # 2. A screenshot: not blank, text drawn, chart colours painted.
    png = os.path.join(work, f"{name}.png")
    shot = subprocess.run(
        [chromium, *chromium_args(tempfile.mkdtemp(dir=work, prefix="profile-")),
         "--hide-scrollbars", f"--screenshot={png}", "--window-size=1280,2000", url],
        capture_output=True, text=True, timeout=120)
    if not check(shot.returncode == 0 and os.path.exists(png), f"{name}: chromium --screenshot",
                 shot.stderr[-2000:]):
        return
    from PIL import Image  # Debian python3-pil
    image = Image.open(png).convert("RGB")
    check(image.size == (1280, 2000), f"{name}: screenshot is 1280x2000", str(image.size))
    small = image.resize((320, 500))
    pixels = list(small.getdata())
    non_white = sum(1 for p in pixels if min(p) < 235) / len(pixels)
    check(0.02 < non_white < 0.7, f"{name}: screenshot is neither blank nor filled",
          f"non-white share {non_white:.3f}")
    check(len(set(pixels)) > 50, f"{name}: screenshot has many distinct colours",
          f"{len(set(pixels))}")
    colours = image.getcolors(maxcolors=1 << 24)  # [(count, (r, g, b))]
    for colour_name, rgb in PALETTE.items():
        near = sum(n for n, p in colours
                   if abs(p[0] - rgb[0]) + abs(p[1] - rgb[1]) + abs(p[2] - rgb[2]) < 30)
        if colour_name == "blue" or "survival" in expected or "sweep-clv" in expected:
            check(near > 200, f"{name}: chart colour {colour_name} is painted", f"{near} pixels")


def run(cmd, cwd):
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)
    ok = check(result.returncode == 0, " ".join(os.path.basename(c) if i == 0 else c
                                                for i, c in enumerate(cmd[:3])) + " ...",
               result.stderr[-2000:])
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clvsim", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--keep", help="write the reports and screenshots here and keep them")
    args = parser.parse_args()

    chromium = find_chromium()
    if not chromium:
        print("FAIL  chromium not found: the report test needs a real browser. "
              "Run `bash tools/install_deps.sh` (installs Debian's chromium and python3-pil).")
        print("0 passed, 1 failed")
        return 1
    try:
        import PIL  # noqa: F401
    except ImportError:
        print("FAIL  python3-pil not found: run `bash tools/install_deps.sh`.")
        print("0 passed, 1 failed")
        return 1

    work = args.keep or tempfile.mkdtemp(prefix="clvsim-report-check-")
    os.makedirs(work, exist_ok=True)
    scenario = os.path.join(os.path.abspath(args.root), "scenarios", "buyer_types.yaml")
    clvsim = os.path.abspath(args.clvsim)
    try:
        cases = [
            ("run", ["run", scenario, *SMALL, "--out", "run"],
             {"survival": 4, "retention": 4, "clv": 4, "uplift": 4, "profit": 4}),
            ("sweep", ["sweep", scenario, *SMALL, "--vary", "treatments.consultative.cost=6,9,12",
                       "--vary", "segments.strategic.margin=0.3,0.4", "--out", "sweep"],
             {"sweep-clv": 2, "sweep-uplift": 2, "survival": 4}),
            ("sensitivity", ["sensitivity", scenario, *SMALL, "--metric", "uplift", "--strategy",
                             "tailored", "--only",
                             "treatments.consultative.cost,segments.strategic.margin,horizon,"
                             "response.strategic.partnership.revenue", "--out", "sensitivity"],
             {"tornado": 1}),
        ]
        for name, command, expected in cases:
            if not run([clvsim, *command], work):
                continue
            if not run([clvsim, "report", name], work):
                continue
            open_in_browser(chromium, os.path.join(work, name, "report.html"), work, name, expected)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
