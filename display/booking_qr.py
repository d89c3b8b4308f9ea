"""The booking code as an inline SVG QR: nothing to fetch, and it scales to any phone's width.

Built from ``qrcode``'s module matrix as one path of horizontal runs (a few hundred bytes),
rather than the library's SVG image, which writes one square per dark module and fixes the size in mm.
"""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def qr_svg(text: str, *, label: str = "") -> str:
    code = qrcode.QRCode(border=2, box_size=1, error_correction=ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    runs: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    title = f"<title>{label}</title>" if label else ""
    return (f'<svg class="qr" viewBox="0 0 {size} {size}" xmlns="http://www.w3.org/2000/svg" role="img" '
            f'shape-rendering="crispEdges">{title}<rect width="{size}" height="{size}" fill="#fff"/>'
            f'<path d="{"".join(runs)}" fill="#000"/></svg>')
