/**
 * A generous estimate of how wide a line of sans-serif text is drawn, for sizing boxes in an
 * SVG that has no layout engine. A viewer picks its own font for `font-family="sans-serif"`
 * (DejaVu Sans on most Linux desktops, Helvetica, Arial or Verdana elsewhere), so each class
 * of character gets an advance at least 10% above its widest member in DejaVu Sans, the
 * widest of the common defaults (Verdana's punctuation, slightly wider, stays inside that
 * margin). Overestimating costs a little white space; underestimating cuts a label.
 */

/** Advance widths in em, by class; the DejaVu Sans maximum of each class in brackets. */
const NARROW = 0.5; // i j l t f r I J ! . , : ; ' | ( ) [ ] / \\ space  [0.411, r]
const OTHER = 0.7; // other lower case, digits, " $ - _ ? ` { } [0.636]
const CAPITAL = 0.87; // A-Z but M and W [0.787, O and Q]
const SYMBOL = 0.93; // = + < > ~ ^ * # & [0.838]
const WIDE = 1.1; // m w M W @ % and anything outside ASCII [1.0, @]

const NARROW_SET = new Set("ijltfrIJ!.,:;'|()[]/\\ ");
const WIDE_SET = new Set('mwMW@%');
const SYMBOL_SET = new Set('=+<>~^*#&');

/** The advance of one character, in em. */
export function charEm(c: string): number {
  if ((c.codePointAt(0) ?? 0) > 0x7e) return WIDE;
  if (NARROW_SET.has(c)) return NARROW;
  if (WIDE_SET.has(c)) return WIDE;
  if (SYMBOL_SET.has(c)) return SYMBOL;
  if (c >= 'A' && c <= 'Z') return CAPITAL;
  return OTHER;
}

/** Width in px of `text` (unescaped) drawn at `fontSize` px. */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const c of text) em += charEm(c);
  return em * fontSize;
}
