import * as fc from 'fast-check';

/** JSON values the protocol admits: safe integers and well-formed strings. */
export const protocolJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.string({
      unit: fc.constantFrom('a', 'é', '\u0000', '\u001f', '"', '\\', '/', '\u007f', '\u2028', '\ud83d\ude00', '\ufb33'),
      maxLength: 6,
    }),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('value'), { maxKeys: 6 }),
})).value;
