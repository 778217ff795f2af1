// How many terminal columns text takes: East Asian wide and fullwidth characters and emoji take two,
// combining marks and joiners none, everything else one — per grapheme cluster (👩‍💻 is one, two
// columns wide). For aligning tables whose cells are column names or labels from the user's files.

/** Code points that take two columns (Unicode East Asian Width W and F, the blocks wcwidth lists). */
const wide: [number, number][] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1b000, 0x1b2ff],
  [0x1f200, 0x1f2ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

const emoji = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F/u;
const zeroWidth = /^[\p{Mn}\p{Me}\p{Cf}]+$/u;
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

function isWide(codePoint: number): boolean {
  for (const [lo, hi] of wide) if (codePoint >= lo && codePoint <= hi) return true;
  return false;
}

/** The columns `text` takes in a terminal (ASCII text: its length). */
export function displayWidth(text: string): number {
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let width = 0;
  for (const { segment } of segmenter.segment(text)) {
    if (zeroWidth.test(segment)) continue;
    const first = segment.codePointAt(0) ?? 0;
    width += isWide(first) || emoji.test(segment) ? 2 : 1;
  }
  return width;
}

/** `text` padded with spaces on the right to `width` columns (padEnd by display width). */
export function padEndWidth(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** `text` padded with spaces on the left to `width` columns (padStart by display width). */
export function padStartWidth(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}
