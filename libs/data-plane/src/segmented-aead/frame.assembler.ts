import { DataPlaneError } from '../errors/data-plane.errors';

const EMPTY = new Uint8Array(0);

/**
 * Cuts a byte stream into consecutive frames whose sizes are known in
 * advance (segment plaintexts when encrypting, segment ciphertexts when
 * decrypting), holding at most one incomplete frame. That single buffer is
 * what keeps encryption and range decryption at flat memory.
 */
export class FrameAssembler {
  private index: number;
  private buffer: Buffer = Buffer.alloc(0);
  private fill = 0;
  private remainingBytes: number;

  /**
   * @param frameSize size of frame i, for startIndex <= i < endIndex
   * @param capacity total size of frames startIndex..endIndex-1
   * @param tail bytes of frame startIndex already received (at most its size)
   */
  constructor(
    private readonly frameSize: (index: number) => number,
    private readonly endIndex: number,
    startIndex: number,
    capacity: number,
    tail: Uint8Array = EMPTY,
  ) {
    if (!Number.isInteger(startIndex) || startIndex < 0 || startIndex > endIndex) {
      throw new DataPlaneError(
        'segment.invalid_argument',
        `start segment ${String(startIndex)} is not in 0..${endIndex}`,
      );
    }
    if (!(tail instanceof Uint8Array)) throw new DataPlaneError('segment.invalid_argument', 'the tail must be bytes');
    const room = startIndex < endIndex ? frameSize(startIndex) : 0;
    if (tail.length > room) {
      throw new DataPlaneError(
        'segment.invalid_argument',
        `a tail of ${tail.length} bytes does not fit segment ${startIndex} (${room} bytes)`,
      );
    }
    this.index = startIndex;
    this.remainingBytes = capacity;
    this.append(tail, 0, tail.length);
  }

  /** Index of the frame the next bytes belong to (endIndex once every frame is complete). */
  nextIndex(): number {
    return this.index;
  }

  /** Bytes still expected before the last frame is complete. */
  remaining(): number {
    return this.remainingBytes;
  }

  /** A copy of the bytes of the incomplete frame. */
  pending(): Uint8Array {
    return Uint8Array.from(this.buffer.subarray(0, this.fill));
  }

  /**
   * Appends `bytes` and hands every frame that is now complete to `onFrame`,
   * in order. A frame handed over is only valid during the call. More bytes
   * than the frames hold are refused before anything is consumed.
   */
  push(bytes: Uint8Array, onFrame: (index: number, frame: Uint8Array) => void): void {
    if (!(bytes instanceof Uint8Array)) throw new DataPlaneError('segment.invalid_argument', 'input must be bytes');
    if (bytes.length > this.remainingBytes) {
      throw new DataPlaneError(
        'segment.invalid_argument',
        `${bytes.length} more bytes exceed the ${this.remainingBytes} bytes still expected`,
      );
    }
    let position = 0;
    while (this.index < this.endIndex) {
      const size = this.frameSize(this.index);
      const take = Math.min(size - this.fill, bytes.length - position);
      if (this.fill + take < size) {
        this.append(bytes, position, take);
        return;
      }
      // A frame that arrives whole is passed through without a copy.
      const frame = this.fill === 0 ? this.passThrough(bytes, position, take) : this.complete(bytes, position, take);
      position += take;
      this.fill = 0;
      onFrame(this.index++, frame);
    }
  }

  private append(bytes: Uint8Array, position: number, length: number): void {
    if (length === 0) return;
    const size = this.frameSize(this.index);
    if (this.buffer.length < size) this.buffer = Buffer.allocUnsafe(size);
    this.buffer.set(bytes.subarray(position, position + length), this.fill);
    this.fill += length;
    this.remainingBytes -= length;
  }

  private passThrough(bytes: Uint8Array, position: number, length: number): Uint8Array {
    this.remainingBytes -= length;
    return bytes.subarray(position, position + length);
  }

  private complete(bytes: Uint8Array, position: number, length: number): Uint8Array {
    const size = this.fill + length;
    this.append(bytes, position, length);
    return this.buffer.subarray(0, size);
  }
}
