#!/usr/bin/env python3
"""Plots one column of a CSV against another as a small SVG line chart (standard library only).

    python3 scripts/plot_csv.py FILE.csv X_COLUMN Y_COLUMN OUT.svg "title"
"""
import csv
import sys


def nice_range(lo, hi):
    if hi <= lo:
        hi = lo + 1.0
    pad = 0.08 * (hi - lo)
    return lo - pad, hi + pad


def main(argv):
    if len(argv) != 6:
        sys.exit(__doc__)
    path, xcol, ycol, out, title = argv[1:]
    rows = list(csv.DictReader(open(path)))
    pts = [(float(r[xcol]), float(r[ycol])) for r in rows if r.get(ycol) not in (None, "")]
    if not pts:
        sys.exit(f"plot_csv: no values of {ycol} in {path}")
    w, h, left, right, top, bottom = 720, 320, 70, 20, 40, 45
    x0, x1 = nice_range(min(p[0] for p in pts), max(p[0] for p in pts))
    ylo, yhi = min(p[1] for p in pts), max(p[1] for p in pts)
    y0, y1 = nice_range(min(0.0, ylo) if ylo < 0.2 * yhi else ylo * 0.9, yhi * 1.05)

    def sx(x):
        return left + (x - x0) / (x1 - x0) * (w - left - right)

    def sy(y):
        return top + (1 - (y - y0) / (y1 - y0)) * (h - top - bottom)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
             f'font-family="sans-serif" font-size="12">',
             f'<rect width="{w}" height="{h}" fill="white"/>',
             f'<text x="{left}" y="22" font-size="14">{title}</text>']
    for i in range(5):
        y = y0 + (y1 - y0) * i / 4
        parts.append(f'<line x1="{left}" x2="{w - right}" y1="{sy(y):.1f}" y2="{sy(y):.1f}" '
                     f'stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{sy(y) + 4:.1f}" text-anchor="end">{y:.1f}</text>')
    for i in range(6):
        x = x0 + (x1 - x0) * i / 5
        parts.append(f'<text x="{sx(x):.1f}" y="{h - bottom + 16}" text-anchor="middle">'
                     f'{x:.0f}</text>')
    parts.append(f'<text x="{(left + w - right) / 2}" y="{h - 8}" text-anchor="middle">'
                 f'{xcol}</text>')
    line = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts)
    parts.append(f'<polyline points="{line}" fill="none" stroke="#1f77b4" stroke-width="2"/>')
    parts.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main(sys.argv)
