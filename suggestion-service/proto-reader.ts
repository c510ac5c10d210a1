/**
 * The protobuf wire format, read by hand (https://protobuf.dev/programming-guides/encoding/):
 * a message is a run of fields, each a varint tag (field number << 3 | wire type) and a
 * value: 0 varint, 1 eight bytes, 2 a varint length and that many bytes, 5 four bytes.
 * Every read checks its bounds and throws `MalformedMessage` on bytes that cannot be a
 * message, so a decoder built on it never reads past its input.
 */

export class MalformedMessage extends Error {
  override readonly name = 'MalformedMessage';
}

export const VARINT = 0;
export const FIXED64 = 1;
export const LENGTH = 2;
export const FIXED32 = 5;

export interface Cursor {
  readonly buf: Buffer;
  /**
   * The message's bytes as a one-byte string, char i = byte i: an ASCII field (the usual
   * case: names and numbers) is then a cheap substring of it instead of a decode of its
   * own. Substrings may share this string's memory while they live.
   */
  readonly text: string;
  pos: number;
  /** The wire type of the field just read by `nextField`. */
  wire: number;
}

interface Latin1 {
  latin1Slice(start: number, end: number): string;
}

export function cursor(buf: Buffer): Cursor {
  return { buf, text: (buf as unknown as Latin1).latin1Slice(0, buf.length), pos: 0, wire: 0 };
}

/** The next field's number (its wire type goes to `c.wire`), or 0 at `end`. */
export function nextField(c: Cursor, end: number): number {
  if (c.pos >= end) {
    if (c.pos > end) throw new MalformedMessage('a field runs past the end of its message');
    return 0;
  }
  const tag = varint(c, end);
  c.wire = tag & 7;
  const number = tag >>> 3;
  if (number === 0) throw new MalformedMessage('field number 0');
  return number;
}

/** The low 32 bits of a varint; longer varints (negative int32 values) are consumed whole. */
export function varint(c: Cursor, end: number): number {
  const buf = c.buf;
  let result = 0;
  let shift = 0;
  for (;;) {
    if (c.pos >= end) throw new MalformedMessage('truncated varint');
    const b = buf[c.pos++] as number;
    if (shift < 32) result |= (b & 0x7f) << shift;
    if (b < 0x80) return result >>> 0;
    shift += 7;
    if (shift > 63) throw new MalformedMessage('varint longer than 10 bytes');
  }
}

function expect(c: Cursor, wire: number): void {
  if (c.wire !== wire) throw new MalformedMessage(`wire type ${c.wire} where ${wire} was expected`);
}

/** The end of a length-delimited field's bytes, which start at `c.pos`. */
export function lengthEnd(c: Cursor, end: number): number {
  expect(c, LENGTH);
  const n = varint(c, end);
  const stop = c.pos + n;
  if (stop > end) throw new MalformedMessage('a length runs past the end of its message');
  return stop;
}

export function int32(c: Cursor, end: number): number {
  expect(c, VARINT);
  return varint(c, end) | 0;
}

export function double(c: Cursor, end: number): number {
  expect(c, FIXED64);
  if (c.pos + 8 > end) throw new MalformedMessage('truncated double');
  const x = c.buf.readDoubleLE(c.pos);
  c.pos += 8;
  return x;
}

/** UTF-8 text; invalid sequences become U+FFFD, as with protobufjs. */
export function string(c: Cursor, end: number): string {
  const stop = lengthEnd(c, end);
  const start = c.pos;
  const buf = c.buf;
  c.pos = stop;
  for (let i = start; i < stop; i++) {
    if ((buf[i] as number) >= 0x80) return buf.toString('utf8', start, stop);
  }
  return c.text.substring(start, stop);
}

/** A repeated int32, packed (one length-delimited run) or not (one varint per field). */
export function int32s(c: Cursor, end: number, into: number[]): void {
  if (c.wire === VARINT) {
    into.push(varint(c, end) | 0);
    return;
  }
  const stop = lengthEnd(c, end);
  while (c.pos < stop) into.push(varint(c, stop) | 0);
}

/** Skips the value of a field this decoder does not know, as proto3 asks. */
export function skip(c: Cursor, end: number): void {
  switch (c.wire) {
    case VARINT:
      varint(c, end);
      return;
    case FIXED64:
      c.pos += 8;
      break;
    case LENGTH:
      c.pos = lengthEnd(c, end);
      return;
    case FIXED32:
      c.pos += 4;
      break;
    default:
      throw new MalformedMessage(`unsupported wire type ${c.wire}`);
  }
  if (c.pos > end) throw new MalformedMessage('truncated field');
}
