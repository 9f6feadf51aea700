import * as fc from 'fast-check';
import { splitJsonArray } from './envelope-batch.splitter';

const split = (text: string): string[] | undefined =>
  splitJsonArray(Buffer.from(text, 'utf8'))?.map((e) => Buffer.from(e).toString('utf8'));

describe('splitJsonArray', () => {
  it('gives the elements of a top-level array as received, without the whitespace between them', () => {
    expect(split('[{"a":1},{"b":[1,2]}]')).toEqual(['{"a":1}', '{"b":[1,2]}']);
    expect(split(' [ {"a" : 1} ,\n\t{ "b": [ 1 ] } ] ')).toEqual(['{"a" : 1}', '{ "b": [ 1 ] }']);
    expect(split('[]')).toEqual([]);
    expect(split('[1,"x",null]')).toEqual(['1', '"x"', 'null']);
  });

  it('is not fooled by structure inside strings (brackets, commas, escaped quotes, multi-byte text)', () => {
    expect(split('[{"s":"],[{,\\"}"},{"t":"é😀\\\\"}]')).toEqual(['{"s":"],[{,\\"}"}', '{"t":"é😀\\\\"}']);
  });

  it('refuses what is not one array', () => {
    for (const text of ['{"a":1}', '"x"', '[1', '[1]x', '[1][2]', '', '   '])
      expect([text, split(text)]).toEqual([text, undefined]);
  });

  it('agrees with JSON.parse on arrays of JSON values (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 6 }), fc.constantFrom('', ' ', '\n  '), (values, space) => {
        const text = `[${space}${values.map((v) => JSON.stringify(v, null, space.length > 1 ? 2 : 0)).join(`${space},${space}`)}${space}]`;
        const parts = split(text);
        expect(parts?.map((p) => JSON.parse(p) as unknown)).toEqual(JSON.parse(text));
      }),
      { numRuns: 200 },
    );
  });
});
