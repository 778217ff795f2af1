// A tiny WebAssembly binary encoder: just enough of the format to write our kernels in TypeScript
// (no tool, no committed .wasm, works in Node and browsers). Not a general assembler.
//
// Format: WebAssembly Core Specification 2.0, chapter 5 (binary format), and the fixed-width SIMD
// proposal's opcode table (https://github.com/WebAssembly/simd/blob/main/proposals/simd/BinarySIMD.md).
// Every function here appends bytes; the module validates when compiled, so an encoding mistake
// fails loudly at WebAssembly.Module(), never silently.

export const i32 = 0x7f;
export const f32 = 0x7d;
export const f64 = 0x7c;
export const v128 = 0x7b;
export type ValueType = typeof i32 | typeof f32 | typeof f64 | typeof v128;

/**
 * A growing byte buffer (a Uint8Array, doubled when full): what every function here appends to.
 * (A number[] of bytes cost about ten times the memory and time: the kernels are ~300 KB, emitted
 * by every thread that compiles them.)
 */
export class Bytes {
  #buffer: Uint8Array;
  length = 0;

  constructor(capacity = 64) {
    this.#buffer = new Uint8Array(capacity);
  }

  push(byte: number): void {
    if (this.length === this.#buffer.length) this.#grow(this.length + 1);
    this.#buffer[this.length++] = byte;
  }

  /** Appends every byte of `bytes` (another Bytes, or any list of bytes). */
  append(bytes: Bytes | ArrayLike<number>): void {
    const from = bytes instanceof Bytes ? bytes.view() : bytes;
    if (this.length + from.length > this.#buffer.length) this.#grow(this.length + from.length);
    this.#buffer.set(from, this.length);
    this.length += from.length;
  }

  /** The bytes written so far (a view, valid until the next append). */
  view(): Uint8Array {
    return this.#buffer.subarray(0, this.length);
  }

  #grow(atLeast: number): void {
    const bigger = new Uint8Array(Math.max(atLeast, 2 * this.#buffer.length));
    bigger.set(this.view());
    this.#buffer = bigger;
  }
}

/** A float64's bytes (little-endian, as WebAssembly stores constants), through one scratch buffer. */
const float64 = new Float64Array(1);
const float64Bytes = new Uint8Array(float64.buffer);

/** Unsigned LEB128. */
export function uleb(out: Bytes, value: number): void {
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
}

/** Signed LEB128 (32-bit values). */
export function sleb(out: Bytes, value: number): void {
  value |= 0;
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

/** The block type of a block, loop or if that leaves nothing on the stack. */
export const emptyBlock = 0x40;

/** Plain opcodes (single byte). */
export const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  f32Const: 0x43,
  f64Const: 0x44,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32GtS: 0x4a,
  i32LeS: 0x4c,
  i32GeS: 0x4e,
  f64Gt: 0x64,
  f64Le: 0x65,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Or: 0x72,
  i32Shl: 0x74,
  i32ShrU: 0x76,
} as const;

/** SIMD opcodes (after the 0xfd prefix), by lane type where it matters. */
export const simd = {
  load: 0x00,
  load32Splat: 0x09,
  load64Splat: 0x0a,
  store: 0x0b,
  /** v128.load64_zero: 8 bytes into the low half, the high half zeroed */
  load64Zero: 0x5d,
  /** v128.store64_lane: memarg, then the lane index */
  store64Lane: 0x5b,
  /** i8x16.shuffle: 16 lane indices into the two operands' bytes follow */
  shuffle: 0x0d,
  /** v128.const: 16 immediate bytes follow */
  const: 0x0c,
  and: 0x4e,
  xor: 0x51,
  andnot: 0x4f,
  bitselect: 0x52,
  f32x4: {
    splat: 0x13,
    extractLane: 0x1f,
    lt: 0x43,
    gt: 0x44,
    abs: 0xe0,
    neg: 0xe1,
    trunc: 0x69,
    add: 0xe4,
    sub: 0xe5,
    mul: 0xe6,
    div: 0xe7,
    sqrt: 0xe3,
    pmin: 0xea,
    pmax: 0xeb,
    /** f32x4.demote_f64x2_zero: two float64 lanes rounded to the low two float32 lanes */
    demoteZero: 0x5e,
    /** relaxed SIMD: a·b + c, fused or not as the engine chooses (the fused form where the CPU has FMA) */
    relaxedMadd: 0x105,
  },
  f64x2: {
    splat: 0x14,
    extractLane: 0x21,
    lt: 0x49,
    gt: 0x4a,
    abs: 0xec,
    neg: 0xed,
    trunc: 0x7a,
    add: 0xf0,
    sub: 0xf1,
    mul: 0xf2,
    div: 0xf3,
    sqrt: 0xef,
    pmin: 0xf6,
    pmax: 0xf7,
    /** f64x2.promote_low_f32x4: the low two float32 lanes, widened */
    promoteLow: 0x5f,
  },
  /** integer lanes of the same widths (the exponent field of a float: 2^k built from k) */
  i32x4: { shl: 0xab, add: 0xae },
  i64x2: { shl: 0xcb, add: 0xce },
} as const;

/** Scalar float opcodes by type. */
export const scalar = {
  f32: {
    load: 0x2a,
    store: 0x38,
    gt: 0x5e,
    add: 0x92,
    sub: 0x93,
    mul: 0x94,
    div: 0x95,
    sqrt: 0x91,
    demote: 0xb6,
  },
  f64: {
    load: 0x2b,
    store: 0x39,
    gt: 0x64,
    add: 0xa0,
    sub: 0xa1,
    mul: 0xa2,
    div: 0xa3,
    sqrt: 0x9f,
    promote: 0xbb,
  },
} as const;

/** A pointer local and how far it moves per row: an i32 local holding the stride, or a constant. */
export type RowPointer = readonly [pointer: number, stride: number | { readonly bytes: number }];

/**
 * One function body being written: its signature, its locals and its instruction bytes.
 * Parameters are named: `new FunctionBuilder('dot_f64', { out: i32, a: i32, b: i32, n: i32 })`
 * declares them in that order, and `f.arg.n` is the local index of `n`.
 */
export class FunctionBuilder<P extends string = string> {
  readonly #code = new Bytes(4096);
  readonly params: readonly ValueType[];
  /** each parameter's local index, by name */
  readonly arg: Readonly<Record<P, number>>;
  readonly #locals: ValueType[] = [];

  constructor(
    readonly name: string,
    params: Readonly<Record<P, ValueType>>,
  ) {
    const names = Object.keys(params) as P[];
    this.params = names.map((n) => params[n]);
    this.arg = Object.fromEntries(names.map((n, i) => [n, i])) as Record<P, number>;
  }

  /** A new local of the given type; returns its index. */
  local(type: ValueType): number {
    this.#locals.push(type);
    return this.params.length + this.#locals.length - 1;
  }

  /** `count` new locals of the given type, in order; returns their indices. */
  localsOf(type: ValueType, count: number): number[] {
    return Array.from({ length: count }, () => this.local(type));
  }

  emit(...bytes: number[]): this {
    for (let i = 0; i < bytes.length; i++) this.#code.push(bytes[i]);
    return this;
  }

  get(index: number): this {
    this.#code.push(op.localGet);
    uleb(this.#code, index);
    return this;
  }

  set(index: number): this {
    this.#code.push(op.localSet);
    uleb(this.#code, index);
    return this;
  }

  tee(index: number): this {
    this.#code.push(op.localTee);
    uleb(this.#code, index);
    return this;
  }

  i32(value: number): this {
    this.#code.push(op.i32Const);
    sleb(this.#code, value);
    return this;
  }

  f64(value: number): this {
    this.#code.push(op.f64Const);
    float64[0] = value;
    this.#code.append(float64Bytes);
    return this;
  }

  /** A SIMD instruction: 0xfd, its opcode, then immediates (already encoded). */
  simd(opcode: number, ...immediates: number[]): this {
    this.#code.push(0xfd);
    uleb(this.#code, opcode);
    this.#code.append(immediates);
    return this;
  }

  /** Appends bytes already encoded (a v128.const's 16). */
  emitBytes(bytes: ArrayLike<number>): this {
    this.#code.append(bytes);
    return this;
  }

  /** memarg: alignment exponent and constant byte offset. */
  memarg(alignLog2: number, offset: number): this {
    uleb(this.#code, alignLog2);
    uleb(this.#code, offset);
    return this;
  }

  /** Pushes base + offset (two i32 locals: a byte address and a byte offset). */
  at(base: number, offset: number): this {
    return this.get(base).get(offset).emit(op.i32Add);
  }

  /** Pushes local << shift (an element count to bytes). */
  shl(local: number, shift: number): this {
    return this.get(local).i32(shift).emit(op.i32Shl);
  }

  /** pointer += stride (an i32 local). */
  advance(pointer: number, stride: number): this {
    return this.get(pointer).get(stride).emit(op.i32Add).set(pointer);
  }

  /** pointer += bytes (a constant). */
  advanceBytes(pointer: number, bytes: number): this {
    return this.get(pointer).i32(bytes).emit(op.i32Add).set(pointer);
  }

  /** `for (i = from; i < to; i += step) body()`, with from/to/step written by callbacks. */
  forLoop(i: number, from: () => void, to: () => void, step: number | (() => void), body: () => void): this {
    from();
    this.set(i);
    this.emit(op.block, emptyBlock, op.loop, emptyBlock);
    this.get(i);
    to();
    this.emit(op.i32GeS, op.brIf, 1);
    body();
    this.get(i);
    if (typeof step === 'number') this.i32(step);
    else step();
    this.emit(op.i32Add).set(i).emit(op.br, 0, op.end, op.end);
    return this;
  }

  /** `for (i = 0; i < count; i += step) body()`, count an i32 local: the sweep over a matrix's rows. */
  upTo(i: number, count: number, body: () => void, step = 1): this {
    return this.forLoop(
      i,
      () => this.i32(0),
      () => this.get(count),
      step,
      body,
    );
  }

  /**
   * The row sweep: `for (i = 0; i < count; i++) { body(); every pointer += its stride }`, over the
   * rows of matrices whose pointers advance a row (a stride in an i32 local, or `{ bytes }`) each step.
   */
  sweepRows(i: number, count: number, advances: readonly (RowPointer | false)[], body: () => void): this {
    return this.upTo(i, count, () => {
      body();
      for (const row of advances) {
        if (!row) continue; // (a pointer this variant of the kernel does not use)
        const [pointer, stride] = row;
        if (typeof stride === 'number') this.advance(pointer, stride);
        else this.advanceBytes(pointer, stride.bytes);
      }
    });
  }

  /**
   * i from 0 up to `end` in blocks of steps[0] while a whole block fits, then on from there in
   * blocks of steps[1], …; the last step (1, or one element in bytes) reaches `end` exactly.
   * `body(step, index)` handles one block at i. The shape of every tiled loop with its remainders.
   */
  sweep(
    i: number,
    end: () => void,
    steps: readonly number[],
    body: (step: number, index: number) => void,
  ): this {
    steps.forEach((step, index) => {
      const last = index === steps.length - 1;
      this.forLoop(
        i,
        () => (index === 0 ? this.i32(0) : this.get(i)),
        () => {
          end();
          if (!last) this.i32(step - 1).emit(op.i32Sub);
        },
        step,
        () => body(step, index),
      );
    });
    return this;
  }

  /** `if (condition on the stack) then() [else otherwise()]` */
  ifElse(then: () => void, otherwise?: () => void): this {
    this.emit(op.if, emptyBlock);
    then();
    if (otherwise) {
      this.emit(op.else);
      otherwise();
    }
    this.emit(op.end);
    return this;
  }

  /** The body as the code section stores it: size, local declarations, instructions, end. */
  encodeBody(out: Bytes): void {
    const body = new Bytes(this.#code.length + 2 * this.#locals.length + 8);
    uleb(body, this.#locals.length);
    for (const t of this.#locals) body.append([1, t]); // one declaration per local: simple, and size is no concern
    body.append(this.#code);
    body.push(op.end);
    uleb(out, body.length);
    out.append(body);
  }
}

/** Module structure (spec 5.5): section ids, and the bytes that open a function type, an import or an export. */
const sectionId = { type: 1, import: 2, function: 3, export: 7, code: 10 } as const;
const functionType = 0x60;
const externalKind = { function: 0x00, memory: 0x02 } as const;
/** memory limits: minimum only, or minimum and maximum of a shared memory */
const limits = { minimum: 0x00, sharedMinimumMaximum: 0x03 } as const;

function section(out: Bytes, id: number, content: Bytes): void {
  out.push(id);
  uleb(out, content.length);
  out.append(content);
}

function name(out: Bytes, s: string): void {
  const bytes = new TextEncoder().encode(s);
  uleb(out, bytes.length);
  out.append(bytes);
}

/**
 * A module importing one memory (`env.memory`, shared when sharedMaximumPages > 0) and exporting
 * every function by name. All our kernels return nothing: they write into memory.
 */
export function encodeModule(
  functions: readonly FunctionBuilder[],
  sharedMaximumPages = 0,
): Uint8Array<ArrayBuffer> {
  const out = new Bytes();
  out.append([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]); // '\0asm', version 1
  // types: one per function (duplicates are allowed and keep the encoder simple)
  const types = new Bytes();
  uleb(types, functions.length);
  for (const f of functions) {
    types.push(functionType);
    uleb(types, f.params.length);
    types.append(f.params);
    types.push(0); // no results
  }
  section(out, sectionId.type, types);
  const imports = new Bytes();
  imports.push(1);
  name(imports, 'env');
  name(imports, 'memory');
  if (sharedMaximumPages > 0) {
    imports.append([externalKind.memory, limits.sharedMinimumMaximum, 1]); // at least 1 page
    uleb(imports, sharedMaximumPages);
  } else {
    imports.append([externalKind.memory, limits.minimum, 1]); // at least 1 page, no maximum
  }
  section(out, sectionId.import, imports);
  const funcs = new Bytes();
  uleb(funcs, functions.length);
  functions.forEach((_, i) => uleb(funcs, i));
  section(out, sectionId.function, funcs);
  const exports = new Bytes();
  uleb(exports, functions.length);
  functions.forEach((f, i) => {
    name(exports, f.name);
    exports.push(externalKind.function);
    uleb(exports, i);
  });
  section(out, sectionId.export, exports);
  const code = new Bytes();
  uleb(code, functions.length);
  for (const f of functions) f.encodeBody(code);
  section(out, sectionId.code, code);
  return out.view().slice();
}
