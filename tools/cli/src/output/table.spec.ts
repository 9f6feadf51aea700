import { cellText, renderFields, renderTable } from './table';

describe('renderTable', () => {
  const rows = [
    { id: 'health/air', versions: 12, themes: ['ENVI', 'HEAL'], note: undefined },
    { id: 'transport/road-works', versions: 3, themes: [], note: 'two\nlines' },
  ];
  const columns = [
    { header: 'dataset', value: (r: (typeof rows)[number]) => r.id },
    { header: 'v', value: (r: (typeof rows)[number]) => r.versions, align: 'right' as const },
    { header: 'themes', value: (r: (typeof rows)[number]) => r.themes },
    { header: 'note', value: (r: (typeof rows)[number]) => r.note },
  ];

  it('aligns columns under upper-case headers, numbers right, without trailing spaces', () => {
    expect(renderTable(rows, columns)).toEqual([
      'DATASET                V  THEMES     NOTE',
      'health/air            12  ENVI,HEAL',
      'transport/road-works   3             two lines',
    ]);
  });

  it('prints only the header for no rows', () => {
    expect(renderTable([], columns)).toEqual(['DATASET  V  THEMES  NOTE']);
  });
});

describe('cellText', () => {
  it.each<[unknown, string]>([
    [undefined, ''],
    [null, ''],
    ['text', 'text'],
    [0, '0'],
    [false, 'false'],
    [['a', 1], 'a,1'],
    [{ quorum: 'all' }, '{"quorum":"all"}'],
  ])('shows %p as %p', (value, text) => expect(cellText(value)).toBe(text));
});

describe('renderFields', () => {
  it('aligns the values and leaves out undefined ones', () => {
    expect(
      renderFields([
        ['channel', 'roads'],
        ['final up to', 12],
        ['owner', undefined],
        ['note', ''],
      ]),
    ).toEqual(['channel:     roads', 'final up to: 12', 'note:']);
  });
});
