/*
 * Injected into the browser bundle (esbuild `inject`): the protocol's codecs
 * use node's global Buffer (hex, UTF-8, compare), which browsers lack.
 */
export { Buffer } from 'buffer';
