import { fileContentFromBytes, isProbablyBinary, mergeText } from './merge';

const lines = (...l: string[]) => l.map(line => `${line}\n`).join('');

describe('mergeText', () => {
  const base = lines('one', 'two', 'three', 'four', 'five');

  it('takes our change when theirs did not change', () => {
    const ours = lines('one', 'TWO', 'three', 'four', 'five');
    expect(mergeText(base, ours, base)).toEqual({
      text: ours,
      conflicts: 0,
      conflictRegions: [],
    });
  });

  it('takes their change when ours did not change', () => {
    const theirs = lines('one', 'two', 'three', 'FOUR', 'five', 'six');
    expect(mergeText(base, base, theirs).text).toBe(theirs);
  });

  it('takes the same change made on both sides once', () => {
    const both = lines('one', 'two', 'THREE', 'four');
    const result = mergeText(base, both, both);
    expect(result.text).toBe(both);
    expect(result.conflicts).toBe(0);
  });

  it('merges changes to different regions cleanly', () => {
    const ours = lines('ONE', 'two', 'three', 'four', 'five');
    const theirs = lines('one', 'two', 'three', 'four', 'FIVE');
    expect(mergeText(base, ours, theirs)).toEqual({
      text: lines('ONE', 'two', 'three', 'four', 'FIVE'),
      conflicts: 0,
      conflictRegions: [],
    });
  });

  it('marks different changes to the same line as a conflict, with exact markers', () => {
    const ours = lines('one', 'two', 'ours', 'four', 'five');
    const theirs = lines('one', 'two', 'theirs', 'four', 'five');
    const result = mergeText(base, ours, theirs, {
      ours: 'current (your service)',
      theirs: 'template 2.0.0',
    });
    expect(result.text).toBe(
      lines(
        'one',
        'two',
        '<<<<<<< current (your service)',
        'ours',
        '=======',
        'theirs',
        '>>>>>>> template 2.0.0',
        'four',
        'five',
      ),
    );
    expect(result.conflicts).toBe(1);
    expect(result.conflictRegions).toEqual([{ startLine: 3, endLine: 7 }]);
  });

  it("uses 'ours' and 'theirs' as labels by default", () => {
    const result = mergeText('a\n', 'b\n', 'c\n');
    expect(result.text).toBe(
      lines('<<<<<<< ours', 'b', '=======', 'c', '>>>>>>> theirs'),
    );
  });

  it('writes the base lines in diff3 style when a base label is given', () => {
    const ours = lines('one', 'two', 'ours', 'four', 'five');
    const theirs = lines('one', 'two', 'theirs', 'four', 'five');
    const result = mergeText(base, ours, theirs, {
      ours: 'mine',
      base: 'template 1.0.0',
      theirs: 'template 2.0.0',
    });
    expect(result.text).toBe(
      lines(
        'one',
        'two',
        '<<<<<<< mine',
        'ours',
        '||||||| template 1.0.0',
        'three',
        '=======',
        'theirs',
        '>>>>>>> template 2.0.0',
        'four',
        'five',
      ),
    );
    expect(result.conflictRegions).toEqual([{ startLine: 3, endLine: 9 }]);
  });

  it('treats changes to adjacent lines as one conflict, as git does', () => {
    const ours = lines('one', 'TWO', 'three', 'four', 'five');
    const theirs = lines('one', 'two', 'THREE', 'four', 'five');
    const result = mergeText(base, ours, theirs);
    expect(result.conflicts).toBe(1);
    expect(result.text).toBe(
      lines(
        'one',
        '<<<<<<< ours',
        'TWO',
        'three',
        '=======',
        'two',
        'THREE',
        '>>>>>>> theirs',
        'four',
        'five',
      ),
    );
  });

  it('moves lines both sides agree on out of the conflict block', () => {
    const ours = lines('one', 'added', 'same', 'ours', 'end', 'four', 'five');
    const theirs = lines(
      'one',
      'added',
      'same',
      'theirs',
      'end',
      'four',
      'five',
    );
    const result = mergeText(base, ours, theirs);
    expect(result.text).toBe(
      lines(
        'one',
        'added',
        'same',
        '<<<<<<< ours',
        'ours',
        '=======',
        'theirs',
        '>>>>>>> theirs',
        'end',
        'four',
        'five',
      ),
    );
    expect(result.conflictRegions).toEqual([{ startLine: 4, endLine: 8 }]);
  });

  it('reports every conflict region with its line numbers in the result', () => {
    const longBase = lines('a', 'b', 'c', 'd', 'e', 'f', 'g');
    const ours = lines('a', 'B1', 'c', 'd', 'e', 'F1', 'g');
    const theirs = lines('a', 'B2', 'c', 'd', 'e', 'F2', 'g');
    const result = mergeText(longBase, ours, theirs);
    expect(result.conflicts).toBe(2);
    expect(result.conflictRegions).toEqual([
      { startLine: 2, endLine: 6 },
      { startLine: 10, endLine: 14 },
    ]);
    const out = result.text.split('\n');
    for (const { startLine, endLine } of result.conflictRegions) {
      expect(out[startLine - 1]).toBe('<<<<<<< ours');
      expect(out[endLine - 1]).toBe('>>>>>>> theirs');
    }
  });

  it('merges insertions at the start and at the end', () => {
    const ours = lines('header', 'one', 'two', 'three', 'four', 'five');
    const theirs = lines('one', 'two', 'three', 'four', 'five', 'footer');
    expect(mergeText(base, ours, theirs).text).toBe(
      lines('header', 'one', 'two', 'three', 'four', 'five', 'footer'),
    );
  });

  it('conflicts on different insertions at the same place', () => {
    const ours = lines('ours', 'one', 'two', 'three', 'four', 'five');
    const theirs = lines('theirs', 'one', 'two', 'three', 'four', 'five');
    const result = mergeText(base, ours, theirs);
    expect(result.conflictRegions).toEqual([{ startLine: 1, endLine: 5 }]);
    expect(
      result.text.startsWith(
        lines(
          '<<<<<<< ours',
          'ours',
          '=======',
          'theirs',
          '>>>>>>> theirs',
          'one',
        ),
      ),
    ).toBe(true);
  });

  it('merges a deletion on one side with an edit elsewhere on the other', () => {
    const ours = lines('one', 'three', 'four', 'five');
    const theirs = lines('one', 'two', 'three', 'four', 'FIVE');
    expect(mergeText(base, ours, theirs).text).toBe(
      lines('one', 'three', 'four', 'FIVE'),
    );
  });

  it('merges the same deletion on both sides', () => {
    const both = lines('one', 'five');
    expect(mergeText(base, both, both).text).toBe(both);
  });

  it('conflicts when one side deletes a line the other edits', () => {
    const ours = lines('one', 'two', 'four', 'five');
    const theirs = lines('one', 'two', 'THREE', 'four', 'five');
    const result = mergeText(base, ours, theirs);
    expect(result.text).toBe(
      lines(
        'one',
        'two',
        '<<<<<<< ours',
        '=======',
        'THREE',
        '>>>>>>> theirs',
        'four',
        'five',
      ),
    );
  });

  describe('empty files', () => {
    it('merges three empty texts to an empty text', () => {
      expect(mergeText('', '', '')).toEqual({
        text: '',
        conflicts: 0,
        conflictRegions: [],
      });
    });

    it('takes content added to an empty file by one side', () => {
      expect(mergeText('', 'hello\n', '').text).toBe('hello\n');
      expect(mergeText('', '', 'hello\n').text).toBe('hello\n');
    });

    it('conflicts when both sides fill an empty file differently', () => {
      const result = mergeText('', 'a\n', 'b\n');
      expect(result.text).toBe(
        lines('<<<<<<< ours', 'a', '=======', 'b', '>>>>>>> theirs'),
      );
      expect(result.conflictRegions).toEqual([{ startLine: 1, endLine: 5 }]);
    });

    it('empties the file when one side deleted everything and the other did not change it', () => {
      expect(mergeText(base, '', base).text).toBe('');
      expect(mergeText(base, base, '').text).toBe('');
    });

    it('keeps a file holding only a line break', () => {
      expect(mergeText('\n', '\n', '\n').text).toBe('\n');
      expect(mergeText('', '\n', '').text).toBe('\n');
    });
  });

  describe('line endings', () => {
    const crlf = (...l: string[]) => l.map(line => `${line}\r\n`).join('');

    it('keeps CRLF line endings through a clean merge', () => {
      const crlfBase = crlf('one', 'two', 'three', 'four');
      const ours = crlf('ONE', 'two', 'three', 'four');
      const theirs = crlf('one', 'two', 'three', 'FOUR');
      expect(mergeText(crlfBase, ours, theirs).text).toBe(
        crlf('ONE', 'two', 'three', 'FOUR'),
      );
    });

    it('writes CRLF conflict markers in a CRLF file', () => {
      const result = mergeText(crlf('a', 'b'), crlf('a', 'x'), crlf('a', 'y'));
      expect(result.text).toBe(
        crlf('a', '<<<<<<< ours', 'x', '=======', 'y', '>>>>>>> theirs'),
      );
      expect(result.conflictRegions).toEqual([{ startLine: 2, endLine: 6 }]);
    });

    it('appends to a CRLF file without a final newline without touching its last line', () => {
      const result = mergeText('a\r\nb', 'a\r\nb\r\nc', 'A\r\nb');
      expect(result).toEqual({
        text: 'A\r\nb\r\nc',
        conflicts: 0,
        conflictRegions: [],
      });
    });

    it('treats a line that changed only its ending as changed', () => {
      expect(mergeText('a\nb\n', 'a\r\nb\n', 'a\nb\n').text).toBe('a\r\nb\n');
    });
  });

  describe('final newline', () => {
    it('leaves it out when both sides have none', () => {
      expect(mergeText('a\nb\nc', 'A\nb\nc', 'a\nb\nC').text).toBe('A\nb\nC');
      expect(mergeText('a\nb\nc', 'A\nb\nc', 'a\nb\nc\nd').text).toBe(
        'A\nb\nc\nd',
      );
    });

    it('keeps it when both sides end with one', () => {
      expect(mergeText('a\nb', 'a\nb\n', 'a\nb\n').text).toBe('a\nb\n');
    });

    it('follows the side that added or removed it', () => {
      expect(mergeText('a\nb', 'a\nb\n', 'A\nb').text).toBe('A\nb\n');
      expect(mergeText('a\nb\n', 'a\nb\n', 'a\nB').text).toBe('a\nB');
    });
  });

  it('keeps a label on its marker line', () => {
    const result = mergeText('a\n', 'b\n', 'c\n', { ours: 'two\nlines' });
    expect(result.text.split('\n')[0]).toBe('<<<<<<< two lines');
  });

  it('merges 2,000-line files with scattered changes on both sides', () => {
    const big = Array.from({ length: 2000 }, (_, i) => `line ${i}`);
    const ours = [...big];
    const theirs = [...big];
    for (let i = 10; i < 2000; i += 100) ours[i] = `ours ${i}`;
    for (let i = 60; i < 2000; i += 100) theirs[i] = `theirs ${i}`;
    theirs.splice(1000, 0, 'inserted by theirs');
    const expected = [...ours];
    for (let i = 60; i < 2000; i += 100) expected[i] = `theirs ${i}`;
    expected.splice(1000, 0, 'inserted by theirs');

    const result = mergeText(lines(...big), lines(...ours), lines(...theirs));
    expect(result.conflicts).toBe(0);
    expect(result.text).toBe(lines(...expected));
  });

  it('merges 2,000-line files that have almost nothing in common', () => {
    const big = Array.from({ length: 2000 }, (_, i) => `line ${i}`);
    const rewritten = Array.from({ length: 2000 }, (_, i) =>
      i % 3 === 0 ? `{` : `new ${i}`,
    );
    expect(
      mergeText(lines(...big), lines(...rewritten), lines(...big)).text,
    ).toBe(lines(...rewritten));
    const shuffled = Array.from(
      { length: 2000 },
      (_, i) => `line ${(i * 7919) % 2000}`,
    );
    expect(
      mergeText(lines(...big), lines(...big), lines(...shuffled)).text,
    ).toBe(lines(...shuffled));
  });

  describe('properties over generated texts', () => {
    // mulberry32: a tiny seeded generator, so a failure reproduces exactly.
    function random(seed: number) {
      let state = seed >>> 0;
      return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }

    // Few distinct lines, so that the diff has many equally long choices.
    function generate(next: () => number, alphabet: string[]): string {
      const count = Math.floor(next() * 12);
      const out = Array.from(
        { length: count },
        () => alphabet[Math.floor(next() * alphabet.length)],
      ).join('\n');
      return next() < 0.7 && count > 0 ? `${out}\n` : out;
    }

    function edit(
      next: () => number,
      text: string,
      alphabet: string[],
    ): string {
      const out = text.split('\n');
      const edits = 1 + Math.floor(next() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * (out.length + 1));
        const kind = next();
        const line = alphabet[Math.floor(next() * alphabet.length)];
        if (kind < 0.4) out.splice(at, 0, line);
        else if (kind < 0.7) out.splice(at, 1);
        else out[Math.min(at, out.length - 1)] = line;
      }
      return out.join('\n');
    }

    const alphabet = ['a', 'b', 'c', '', '}', 'a\r'];

    it('returns our text when theirs is the base, and theirs when ours is', () => {
      const next = random(20261201);
      for (let run = 0; run < 500; run++) {
        const original = generate(next, alphabet);
        const changed =
          next() < 0.5
            ? edit(next, original, alphabet)
            : generate(next, alphabet);
        expect(mergeText(original, changed, original)).toEqual({
          text: changed,
          conflicts: 0,
          conflictRegions: [],
        });
        expect(mergeText(original, original, changed).text).toBe(changed);
        expect(mergeText(original, changed, changed).text).toBe(changed);
      }
    });

    it('merges edits to distinct parts of a file without conflict', () => {
      const next = random(7);
      for (let run = 0; run < 200; run++) {
        const length = 6 + Math.floor(next() * 30);
        const original = Array.from({ length }, (_, i) => `line ${i}`);
        const middle = Math.floor(length / 2);
        const ours = [...original];
        const theirs = [...original];
        // Edits stay a line away from the middle, so they never touch.
        for (let i = 0; i < middle - 1; i++) {
          if (next() < 0.3) ours[i] = `ours ${i}`;
        }
        for (let i = middle + 1; i < length; i++) {
          if (next() < 0.3) theirs[i] = `theirs ${i}`;
        }
        const expected = original.map((line, i) =>
          ours[i] !== line ? ours[i] : theirs[i],
        );
        const result = mergeText(
          lines(...original),
          lines(...ours),
          lines(...theirs),
        );
        expect(result.conflicts).toBe(0);
        expect(result.text).toBe(lines(...expected));
      }
    });

    it('finds the same conflicts, and the same clean merges, whichever side is ours', () => {
      const next = random(42);
      for (let run = 0; run < 300; run++) {
        const original = generate(next, alphabet);
        const ours = edit(next, original, alphabet);
        const theirs = edit(next, original, alphabet);
        const forward = mergeText(original, ours, theirs);
        const backward = mergeText(original, theirs, ours);
        expect(backward.conflicts).toBe(forward.conflicts);
        // With conflicts the blocks differ by which side comes first.
        if (forward.conflicts > 0) continue;
        expect(backward.text).toBe(forward.text);
      }
    });
  });
});

describe('isProbablyBinary', () => {
  const encode = (text: string) => new TextEncoder().encode(text);

  it('says no for UTF-8 text, accents and emoji included', () => {
    expect(isProbablyBinary(encode('hello\nwörld 🚀\n'))).toBe(false);
    expect(isProbablyBinary(new Uint8Array())).toBe(false);
  });

  it('says yes for a NUL byte in the first 8000 bytes', () => {
    const bytes = encode('x'.repeat(7999));
    const withNul = new Uint8Array(8000);
    withNul.set(bytes);
    expect(isProbablyBinary(withNul)).toBe(true);
  });

  it('looks no further than 8000 bytes', () => {
    const late = new Uint8Array(9000).fill(0x61);
    late[8500] = 0;
    expect(isProbablyBinary(late)).toBe(false);
  });

  it('says yes for a PNG header', () => {
    expect(
      isProbablyBinary(
        new Uint8Array([
          0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d,
        ]),
      ),
    ).toBe(true);
  });

  it('says yes for bytes that are mostly not UTF-8', () => {
    const bytes = new Uint8Array(1000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = 0x80 + (i % 100);
    expect(isProbablyBinary(bytes)).toBe(true);
  });

  it('says no for Latin-1 text with a few accented letters', () => {
    const latin1 = Uint8Array.from(
      'caf\xe9 cr\xe8me br\xfbl\xe9e, a long enough sentence'.split(''),
      c => c.charCodeAt(0),
    );
    expect(isProbablyBinary(latin1)).toBe(false);
  });

  it('does not count a character cut off at the 8000th byte', () => {
    const bytes = new Uint8Array(8002).fill(0x61);
    bytes.set(encode('€'), 7999);
    expect(isProbablyBinary(bytes)).toBe(false);
  });
});

describe('fileContentFromBytes', () => {
  const encode = (text: string) => new TextEncoder().encode(text);

  it('decodes UTF-8 text, a byte order mark and astral characters included', () => {
    const text = '\ufeffname: café 🚀\n';
    expect(fileContentFromBytes(encode(text))).toEqual({ text });
  });

  it('decodes long texts', () => {
    const text = 'ünïcödé\n'.repeat(5000);
    expect(fileContentFromBytes(encode(text))).toEqual({ text });
  });

  it('keeps bytes that are not well-formed UTF-8 as binary, so they are written back unchanged', () => {
    const latin1 = Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x0a]);
    expect(fileContentFromBytes(latin1)).toEqual({ binary: latin1 });
    const surrogate = Uint8Array.from([0xed, 0xa0, 0x80]);
    expect(fileContentFromBytes(surrogate)).toEqual({ binary: surrogate });
    const overlong = Uint8Array.from([0xc0, 0xaf]);
    expect(fileContentFromBytes(overlong)).toEqual({ binary: overlong });
  });

  it('keeps binary files as binary', () => {
    const bytes = Uint8Array.from([
      0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x00, 0x01,
    ]);
    expect(fileContentFromBytes(bytes)).toEqual({ binary: bytes });
  });
});
