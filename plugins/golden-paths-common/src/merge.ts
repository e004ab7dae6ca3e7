/**
 * Line ranges of a merged text, 1-based and inclusive.
 *
 * @public
 */
export type LineRange = {
  /** First line, 1-based. */
  startLine: number;
  /** Last line, 1-based, inclusive. */
  endLine: number;
};

/**
 * Names written after the conflict markers of {@link mergeText}. Giving `base`
 * also writes the base lines between `|||||||` and `=======` (diff3 style).
 *
 * @public
 */
export type MergeLabels = {
  /** After `<<<<<<<`; defaults to `ours`. */
  ours?: string;
  /** After `>>>>>>>`; defaults to `theirs`. */
  theirs?: string;
  /** After `|||||||`; without it the base lines are left out. */
  base?: string;
};

/**
 * The outcome of a 3-way text merge.
 *
 * @public
 */
export type MergeTextResult = {
  /** The merged text, with git-style conflict markers where both sides disagree. */
  text: string;
  /** How many conflict blocks `text` holds. */
  conflicts: number;
  /** Where each conflict block sits in `text`, from `<<<<<<<` to `>>>>>>>`. */
  conflictRegions: LineRange[];
};

/**
 * How a text ends: with a line break, without one, or without one in a CRLF
 * file whose last line was given a `\r` for comparison.
 */
type TextEnding = 'newline' | 'none' | 'none-added-cr';

/** A text split into lines, ready to be compared. */
type SplitText = {
  /** The lines, without their `\n`; a CRLF line keeps its `\r`. */
  lines: string[];
  ending: TextEnding;
  /** Whether most lines end with `\r\n`. */
  crlf: boolean;
};

function splitLines(text: string): SplitText {
  if (text === '') return { lines: [], ending: 'none', crlf: false };
  const lines = text.split('\n');
  let ending: TextEnding = 'none';
  if (lines[lines.length - 1] === '') {
    lines.pop();
    ending = 'newline';
  }
  const crlfCount = lines.filter(line => line.endsWith('\r')).length;
  const crlf = crlfCount > 0 && crlfCount * 2 >= lines.length;
  // In a CRLF file the last line of a text without a final newline lacks the
  // '\r' its siblings have. Giving it one means appending a line after it is
  // an insertion, not a change of that line; joinLines takes it off again.
  if (ending === 'none' && crlf && !lines[lines.length - 1].endsWith('\r')) {
    lines[lines.length - 1] += '\r';
    ending = 'none-added-cr';
  }
  return { lines, ending, crlf };
}

function joinLines(lines: string[], ending: TextEnding): string {
  if (lines.length === 0) return '';
  const text = lines.join('\n');
  if (ending === 'newline') return `${text}\n`;
  return ending === 'none-added-cr' && text.endsWith('\r')
    ? text.slice(0, -1)
    : text;
}

/**
 * Pairs of indexes `[a, b]` of a longest common subsequence of two sequences of
 * numbers, in increasing order.
 *
 * Myers' O((N+M)·D) algorithm in its linear-space form: find the middle snake
 * of the shortest edit script, then solve both halves. Memory stays O(N+M) even
 * when two big files have nothing in common.
 */
function longestCommonSubsequence(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): Array<[number, number]> {
  const matches: Array<[number, number]> = [];

  const solve = (
    aStart: number,
    aEnd: number,
    bStart: number,
    bEnd: number,
  ) => {
    let aLo = aStart;
    let bLo = bStart;
    let aHi = aEnd;
    let bHi = bEnd;
    // A common prefix and suffix are always part of some LCS; trimming them
    // keeps the expensive part to the lines that really differ.
    while (aLo < aHi && bLo < bHi && a[aLo] === b[bLo]) {
      matches.push([aLo++, bLo++]);
    }
    const suffix: Array<[number, number]> = [];
    while (aLo < aHi && bLo < bHi && a[aHi - 1] === b[bHi - 1]) {
      suffix.push([--aHi, --bHi]);
    }
    if (aLo < aHi && bLo < bHi) {
      const snake = middleSnake(a, aLo, aHi, b, bLo, bHi);
      solve(aLo, snake.aStart, bLo, snake.bStart);
      for (let i = 0; i < snake.aEnd - snake.aStart; i++) {
        matches.push([snake.aStart + i, snake.bStart + i]);
      }
      solve(snake.aEnd, aHi, snake.bEnd, bHi);
    }
    for (let i = suffix.length - 1; i >= 0; i--) matches.push(suffix[i]);
  };

  solve(0, a.length, 0, b.length);
  return matches;
}

/**
 * The middle snake of the shortest edit script between `a[aLo, aHi)` and
 * `b[bLo, bHi)`, in absolute indexes. Both ranges are non-empty and differ in
 * their first and last elements, so the script has at least two edits and
 * both halves around the snake are strictly smaller problems.
 */
function middleSnake(
  a: ArrayLike<number>,
  aLo: number,
  aHi: number,
  b: ArrayLike<number>,
  bLo: number,
  bHi: number,
): { aStart: number; aEnd: number; bStart: number; bEnd: number } {
  const n = aHi - aLo;
  const m = bHi - bLo;
  const delta = n - m;
  const odd = (delta & 1) === 1;
  const maxD = Math.ceil((n + m) / 2);
  const offset = maxD + 1;
  // forward[k]: furthest x reached on diagonal k = x - y from the top-left;
  // backward[k]: furthest x reached from the bottom-right, in reversed
  // coordinates, so backward diagonal k meets forward diagonal delta - k.
  const forward = new Int32Array(2 * maxD + 3);
  const backward = new Int32Array(2 * maxD + 3);

  for (let d = 0; d <= maxD; d++) {
    for (let k = -d; k <= d; k += 2) {
      const down =
        k === -d ||
        (k !== d && forward[offset + k - 1] < forward[offset + k + 1]);
      const xStart = down
        ? forward[offset + k + 1]
        : forward[offset + k - 1] + 1;
      const yStart = xStart - k;
      let x = xStart;
      let y = yStart;
      while (x < n && y < m && a[aLo + x] === b[bLo + y]) {
        x++;
        y++;
      }
      forward[offset + k] = x;
      const kb = delta - k;
      if (odd && kb >= -(d - 1) && kb <= d - 1) {
        if (x + backward[offset + kb] >= n) {
          return {
            aStart: aLo + xStart,
            bStart: bLo + yStart,
            aEnd: aLo + x,
            bEnd: bLo + y,
          };
        }
      }
    }
    for (let k = -d; k <= d; k += 2) {
      const up =
        k === -d ||
        (k !== d && backward[offset + k - 1] < backward[offset + k + 1]);
      const xStart = up
        ? backward[offset + k + 1]
        : backward[offset + k - 1] + 1;
      const yStart = xStart - k;
      let x = xStart;
      let y = yStart;
      while (x < n && y < m && a[aHi - 1 - x] === b[bHi - 1 - y]) {
        x++;
        y++;
      }
      backward[offset + k] = x;
      const kf = delta - k;
      if (!odd && kf >= -d && kf <= d) {
        if (x + forward[offset + kf] >= n) {
          return {
            aStart: aHi - x,
            bStart: bHi - y,
            aEnd: aHi - xStart,
            bEnd: bHi - yStart,
          };
        }
      }
    }
  }
  // Unreachable: the two searches always meet by d = ceil((n + m) / 2).
  throw new Error('No middle snake found');
}

/** A stretch of base lines `[baseStart, baseEnd)` one side replaced by `[start, end)`. */
type Hunk = {
  side: 'ours' | 'theirs';
  baseStart: number;
  baseEnd: number;
  start: number;
  end: number;
};

/** Where `other` differs from `base`, as hunks in base order. */
function diffHunks(
  base: string[],
  other: string[],
  side: Hunk['side'],
  ids: Map<string, number>,
): Hunk[] {
  const idOf = (line: string) => {
    let id = ids.get(line);
    if (id === undefined) {
      id = ids.size;
      ids.set(line, id);
    }
    return id;
  };
  const baseIds = base.map(idOf);
  const otherIds = other.map(idOf);

  // A line that only one side has can never be matched, so leave it out of
  // the search: two unrelated files then cost nothing to compare.
  const inBase = new Set(baseIds);
  const inOther = new Set(otherIds);
  const baseKept: number[] = [];
  const otherKept: number[] = [];
  baseIds.forEach((id, i) => inOther.has(id) && baseKept.push(i));
  otherIds.forEach((id, j) => inBase.has(id) && otherKept.push(j));
  const matches = longestCommonSubsequence(
    Int32Array.from(baseKept, i => baseIds[i]),
    Int32Array.from(otherKept, j => otherIds[j]),
  ).map(([i, j]) => [baseKept[i], otherKept[j]]);
  matches.push([base.length, other.length]);

  const hunks: Hunk[] = [];
  let baseAt = 0;
  let otherAt = 0;
  for (const [i, j] of matches) {
    if (i > baseAt || j > otherAt) {
      hunks.push({
        side,
        baseStart: baseAt,
        baseEnd: i,
        start: otherAt,
        end: j,
      });
    }
    baseAt = i + 1;
    otherAt = j + 1;
  }
  return hunks;
}

function sameLines(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}

// Labels go on a single marker line; a line break in one would fake a line.
function markerLine(marker: string, label: string | undefined, eol: string) {
  const text = label ? `${marker} ${label.replace(/[\r\n]+/g, ' ')}` : marker;
  return `${text}${eol}`;
}

/**
 * Merges two edited versions of a text line by line against their common
 * ancestor (a diff3 merge, like `git merge-file`).
 *
 * A change made on one side only is taken; the same change made on both sides
 * is taken once; different changes to the same or adjacent lines become a
 * conflict block between `<<<<<<<` and `>>>>>>>` markers, with the base lines
 * too when `labels.base` is given. Without base lines, lines both sides agree
 * on at the edges of a conflict are moved out of it, so the block shows only
 * the disagreement.
 *
 * Lines end at `\n`; a `\r\n` line keeps its `\r`, and markers follow the
 * file's line ending. The text ends with a line break when both sides agree it
 * should, or when the one side that changed that says so.
 *
 * @public
 */
export function mergeText(
  base: string,
  ours: string,
  theirs: string,
  labels: MergeLabels = {},
): MergeTextResult {
  const b = splitLines(base);
  const o = splitLines(ours);
  const t = splitLines(theirs);

  const ids = new Map<string, number>();
  const hunks = [
    ...diffHunks(b.lines, o.lines, 'ours', ids),
    ...diffHunks(b.lines, t.lines, 'theirs', ids),
  ].sort((x, y) => x.baseStart - y.baseStart || x.baseEnd - y.baseEnd);

  // Markers follow the line endings of the first side that has lines.
  const crlf = [o, t, b].find(side => side.lines.length > 0)?.crlf ?? false;
  const eol = crlf ? '\r' : '';
  const result: string[] = [];
  const conflictRegions: LineRange[] = [];
  let baseAt = 0;

  for (let h = 0; h < hunks.length; ) {
    // Group hunks that overlap or touch: git treats changes to adjacent lines
    // as one conflict, since neither side saw the other's context.
    const group = [hunks[h++]];
    let groupStart = group[0].baseStart;
    let groupEnd = group[0].baseEnd;
    while (h < hunks.length && hunks[h].baseStart <= groupEnd) {
      groupEnd = Math.max(groupEnd, hunks[h].baseEnd);
      groupStart = Math.min(groupStart, hunks[h].baseStart);
      group.push(hunks[h++]);
    }
    result.push(...b.lines.slice(baseAt, groupStart));
    baseAt = groupEnd;

    // What each side has in place of base[groupStart, groupEnd): outside its
    // own hunks a side still has the base lines, so offsets carry over.
    const sideLines = (side: Hunk['side'], lines: string[]) => {
      const own = group.filter(hunk => hunk.side === side);
      if (own.length === 0) return b.lines.slice(groupStart, groupEnd);
      const first = own[0];
      const last = own[own.length - 1];
      return lines.slice(
        first.start - (first.baseStart - groupStart),
        last.end + (groupEnd - last.baseEnd),
      );
    };
    const oursLines = sideLines('ours', o.lines);
    const theirsLines = sideLines('theirs', t.lines);
    const baseLines = b.lines.slice(groupStart, groupEnd);

    if (sameLines(oursLines, theirsLines)) {
      result.push(...oursLines);
    } else if (sameLines(oursLines, baseLines)) {
      result.push(...theirsLines);
    } else if (sameLines(theirsLines, baseLines)) {
      result.push(...oursLines);
    } else {
      let prefix = 0;
      let suffix = 0;
      if (labels.base === undefined) {
        const shorter = Math.min(oursLines.length, theirsLines.length);
        while (prefix < shorter && oursLines[prefix] === theirsLines[prefix]) {
          prefix++;
        }
        while (
          suffix < shorter - prefix &&
          oursLines[oursLines.length - 1 - suffix] ===
            theirsLines[theirsLines.length - 1 - suffix]
        ) {
          suffix++;
        }
      }
      result.push(...oursLines.slice(0, prefix));
      const startLine = result.length + 1;
      result.push(markerLine('<<<<<<<', labels.ours ?? 'ours', eol));
      result.push(...oursLines.slice(prefix, oursLines.length - suffix));
      if (labels.base !== undefined) {
        result.push(markerLine('|||||||', labels.base, eol));
        result.push(...baseLines);
      }
      result.push(markerLine('=======', undefined, eol));
      result.push(...theirsLines.slice(prefix, theirsLines.length - suffix));
      result.push(markerLine('>>>>>>>', labels.theirs ?? 'theirs', eol));
      conflictRegions.push({ startLine, endLine: result.length });
      result.push(...oursLines.slice(oursLines.length - suffix));
    }
  }
  result.push(...b.lines.slice(baseAt));

  // How the text ends is a single value, merged without markers: ours,
  // unless only theirs changed it.
  const ending = o.ending === b.ending ? t.ending : o.ending;
  return {
    text: joinLines(result, ending),
    conflicts: conflictRegions.length,
    conflictRegions,
  };
}

// How far into a file to look, as git does, to tell text from binary.
const BINARY_SNIFF_BYTES = 8000;

/**
 * Length of the well-formed UTF-8 sequence starting at `bytes[i]`, 0 when the
 * bytes there are not valid UTF-8, or -1 when the sequence runs past `end`.
 */
function utf8SequenceLength(bytes: Uint8Array, i: number, end: number): number {
  const lead = bytes[i];
  if (lead < 0x80) return 1;
  let length: number;
  let min: number;
  let max = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
    min = 0x80;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    // No overlong forms, no UTF-16 surrogates.
    min = lead === 0xe0 ? 0xa0 : 0x80;
    if (lead === 0xed) max = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    min = lead === 0xf0 ? 0x90 : 0x80;
    if (lead === 0xf4) max = 0x8f;
  } else {
    return 0;
  }
  for (let k = 1; k < length; k++) {
    if (i + k >= end) return -1;
    const next = bytes[i + k];
    const [low, high] = k === 1 ? [min, max] : [0x80, 0xbf];
    if (next < low || next > high) return 0;
  }
  return length;
}

/**
 * Tells whether file content looks binary, so that it is never merged as
 * text: a NUL byte in its first 8000 bytes (git's own test), or more than one
 * byte in ten there that is not part of well-formed UTF-8. A Latin-1 text with
 * a few accents stays text by that measure; an image or archive does not.
 *
 * @public
 */
export function isProbablyBinary(content: Uint8Array): boolean {
  const end = Math.min(content.length, BINARY_SNIFF_BYTES);
  let invalid = 0;
  for (let i = 0; i < end; ) {
    if (content[i] === 0) return true;
    const length = utf8SequenceLength(content, i, end);
    // A character cut off by the sniffing window is not the file's fault.
    if (length === -1) break;
    if (length === 0) {
      invalid++;
      i++;
    } else {
      i += length;
    }
  }
  return invalid * 10 > end;
}

/**
 * Decodes strict UTF-8, or returns undefined when any byte sequence is not
 * well-formed: a lossy decode would change the file when it is written back.
 */
function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  const chunks: string[] = [];
  let codePoints: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const length = utf8SequenceLength(bytes, i, bytes.length);
    if (length <= 0) return undefined;
    const lead = bytes[i];
    let codePoint: number;
    if (length === 1) codePoint = lead;
    else if (length === 2)
      codePoint = ((lead & 0x1f) << 6) | (bytes[i + 1] & 0x3f);
    else if (length === 3) {
      codePoint =
        ((lead & 0x0f) << 12) |
        ((bytes[i + 1] & 0x3f) << 6) |
        (bytes[i + 2] & 0x3f);
    } else {
      codePoint =
        ((lead & 0x07) << 18) |
        ((bytes[i + 1] & 0x3f) << 12) |
        ((bytes[i + 2] & 0x3f) << 6) |
        (bytes[i + 3] & 0x3f);
    }
    codePoints.push(codePoint);
    i += length;
    // fromCodePoint takes its arguments on the stack; keep the batches small.
    if (codePoints.length === 4096) {
      chunks.push(String.fromCodePoint(...codePoints));
      codePoints = [];
    }
  }
  chunks.push(String.fromCodePoint(...codePoints));
  return chunks.join('');
}

/**
 * The content of one file as an upgrade sees it: text when it is UTF-8 and
 * not binary (so it can be merged), raw bytes otherwise.
 *
 * @public
 */
export type FileContent = { text: string } | { binary: Uint8Array };

/**
 * Turns the bytes of a file into {@link FileContent}: text when they are
 * well-formed UTF-8 and {@link isProbablyBinary} says no, bytes otherwise, so
 * writing the content back always gives the very same bytes.
 *
 * @public
 */
export function fileContentFromBytes(bytes: Uint8Array): FileContent {
  if (isProbablyBinary(bytes)) return { binary: bytes };
  const text = decodeUtf8Strict(bytes);
  return text === undefined ? { binary: bytes } : { text };
}
