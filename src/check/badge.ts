// `goprod check --badge FILE`: the repository's score and band as an SVG badge for its README,
// in the flat style shields.io made common (Go Report Card's grade looked the same). Text widths
// are estimated from Verdana's metrics and pinned with textLength, so the badge looks the same
// whichever font the viewer substitutes.
import { escapeHtml } from '../output/page.js';
import { BANDS } from './signals.js';

/** The colour of each band, on the badge and on the report card. */
export const BAND_COLORS: Record<(typeof BANDS)[number]['name'], string> = {
  exemplary: '#116329',
  solid: '#2da44e',
  'needs work': '#9a6700',
  'critical gaps': '#cf222e',
};

// Verdana's advance widths at 11px, for the characters a badge holds; others count as 7.
const WIDTHS: Record<string, number> = {
  ' ': 3.9,
  '/': 5.7,
  a: 6.7,
  b: 7,
  c: 6,
  d: 7,
  e: 6.5,
  f: 3.9,
  g: 7,
  h: 7.1,
  i: 3,
  j: 3.7,
  k: 6.5,
  l: 3,
  m: 10.9,
  n: 7.1,
  o: 6.7,
  p: 7,
  q: 7,
  r: 4.7,
  s: 5.8,
  t: 4.3,
  u: 7.1,
  v: 6.5,
  w: 9,
  x: 6.5,
  y: 6.5,
  z: 5.8,
};

function textWidth(text: string): number {
  return [...text].reduce((w, c) => w + (WIDTHS[c] ?? 7), 0);
}

/** The badge: `goprod | 12/16 solid`, the right half in the band's colour. */
export function badgeSvg(total: number, max: number, band: string): string {
  const label = 'goprod';
  const message = `${total}/${max} ${band}`;
  const left = Math.round(textWidth(label)) + 12;
  const right = Math.round(textWidth(message)) + 12;
  const width = left + right;
  const color = BAND_COLORS[band as keyof typeof BAND_COLORS] ?? '#656d76';
  const text = (x: number, span: number, words: string) =>
    `<text x="${x}" y="15" fill="#010101" fill-opacity=".3" textLength="${span}">${escapeHtml(words)}</text><text x="${x}" y="14" \
textLength="${span}">${escapeHtml(words)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" \
aria-label="${escapeHtml(`${label}: ${message}`)}">
<title>${escapeHtml(`${label}: ${message}`)}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" \
stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${left}" height="20" fill="#555"/><rect x="${left}" width="${right}" height="20" \
fill="${color}"/><rect width="${width}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" \
font-size="11">${text(left / 2, left - 12, label)}${text(left + right / 2, right - 12, message)}</g>
</svg>
`;
}
