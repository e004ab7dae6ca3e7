import { downloadCsv, toCsv } from './csv';

describe('toCsv', () => {
  it('writes a header and rows with CRLF line ends', () => {
    expect(
      toCsv(
        ['owner', 'compliant', 'total'],
        [
          ['group:default/team-a', 3, 5],
          ['group:default/team-b', 0, 1],
        ],
      ),
    ).toBe(
      'owner,compliant,total\r\ngroup:default/team-a,3,5\r\ngroup:default/team-b,0,1\r\n',
    );
  });

  it('quotes cells with commas, quotes, line breaks or edge spaces, doubling quotes', () => {
    expect(
      toCsv(
        ['a', 'b', 'c', 'd', 'e'],
        [['x,y', 'say "hi"', 'two\nlines', ' padded', 'cr\r']],
      ),
    ).toBe('a,b,c,d,e\r\n"x,y","say ""hi""","two\nlines"," padded","cr\r"\r\n');
  });

  it('leaves empty and missing values empty', () => {
    expect(toCsv(['a', 'b', 'c'], [[undefined, null, '']])).toBe(
      'a,b,c\r\n,,\r\n',
    );
  });

  it('keeps a spreadsheet from running a cell as a formula', () => {
    expect(
      toCsv(['x'], [['=HYPERLINK("http://evil")'], ['@SUM(A1)'], [-3]]),
    ).toBe('x\r\n"\'=HYPERLINK(""http://evil"")"\r\n\'@SUM(A1)\r\n-3\r\n');
  });
});

describe('downloadCsv', () => {
  it('downloads the text as a UTF-8 CSV file under the given name', () => {
    const blobs: Blob[] = [];
    // jsdom has no object URLs.
    URL.createObjectURL = jest.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:csv-1';
    });
    URL.revokeObjectURL = jest.fn();
    const clicked: HTMLAnchorElement[] = [];
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function record(this: HTMLAnchorElement) {
        clicked.push(this);
      });

    downloadCsv('team-a-services.csv', 'a,b\r\n1,2\r\n');

    expect(clicked).toHaveLength(1);
    expect(clicked[0].download).toBe('team-a-services.csv');
    expect(clicked[0].href).toBe('blob:csv-1');
    expect(blobs[0].type).toBe('text/csv;charset=utf-8');
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:csv-1');
    // The link does not stay in the page.
    expect(document.querySelector('a[download]')).toBeNull();
    click.mockRestore();
  });
});
