// Small builders for ONNX protobuf messages (the published onnx.proto schema, compiled for
// @bufbuild/protobuf by the onnx-buf package), and the reverse: tensors and attributes read back.
// Shapes use 'N' for the dynamic batch dimension.

import { create } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType as AttributeType,
  AttributeProtoSchema,
  NodeProtoSchema,
  TensorProto_DataType as DataType,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf';

export { DataType };

/** The element types scratchnet writes: float (float32), double (float64), string, int64. */
export type ElementType = 'float32' | 'float64' | 'string' | 'int64';

const dataTypes: Record<ElementType, DataType> = {
  float32: DataType.FLOAT,
  float64: DataType.DOUBLE,
  string: DataType.STRING,
  int64: DataType.INT64,
};

export function dataType(type: ElementType): DataType {
  return dataTypes[type];
}

const utf8 = new TextEncoder();

/** A constant tensor (an initializer) with the given dims; numbers are rounded to float32 where asked. */
export function tensor(
  name: string,
  type: ElementType,
  dims: readonly number[],
  values: readonly number[] | readonly string[],
): TensorProto {
  const t = create(TensorProtoSchema, { name, dataType: dataTypes[type], dims: dims.map(BigInt) });
  if (type === 'string') t.stringData = (values as readonly string[]).map((s) => utf8.encode(s));
  else if (type === 'int64') t.int64Data = (values as readonly number[]).map(BigInt);
  else if (type === 'float64') t.doubleData = [...(values as readonly number[])];
  else t.floatData = (values as readonly number[]).map(Math.fround);
  return t;
}

/** A graph input or output: name, element type and shape ('N' marks the dynamic batch dimension). */
export function valueInfo(
  name: string,
  type: ElementType,
  shape: readonly (number | string)[],
): ValueInfoProto {
  const dim = shape.map((d) =>
    create(TensorShapeProto_DimensionSchema, {
      value: typeof d === 'string' ? { case: 'dimParam', value: d } : { case: 'dimValue', value: BigInt(d) },
    }),
  );
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: {
        case: 'tensorType',
        value: create(TypeProto_TensorSchema, {
          elemType: dataTypes[type],
          shape: create(TensorShapeProtoSchema, { dim }),
        }),
      },
    }),
  });
}

export type AttributeValue = number | string | readonly string[] | { int: number } | { ints: number[] };

/** An attribute: a number is a float, { int } an integer, a string a string, a string array strings. */
function attribute(name: string, value: AttributeValue): AttributeProto {
  const a = create(AttributeProtoSchema, { name });
  if (typeof value === 'number') Object.assign(a, { type: AttributeType.FLOAT, f: value });
  else if (typeof value === 'string') Object.assign(a, { type: AttributeType.STRING, s: utf8.encode(value) });
  else if (Array.isArray(value))
    Object.assign(a, { type: AttributeType.STRINGS, strings: value.map((s: string) => utf8.encode(s)) });
  else if ('int' in value) Object.assign(a, { type: AttributeType.INT, i: BigInt(value.int) });
  else Object.assign(a, { type: AttributeType.INTS, ints: (value as { ints: number[] }).ints.map(BigInt) });
  return a;
}

/** A node; `domain` 'ai.onnx.ml' for the ML operators, '' (the default) for ai.onnx. */
export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: Record<string, AttributeValue> = {},
  domain = '',
): NodeProto {
  return create(NodeProtoSchema, {
    opType,
    domain,
    name: outputs[0],
    input: [...inputs],
    output: [...outputs],
    attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
  });
}

/** The values of a numeric tensor as float64 numbers, from whichever field holds them. */
export function tensorValues(t: TensorProto): Float64Array {
  const count = t.dims.reduce((n, d) => n * Number(d), 1);
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    const copy = new Uint8Array(raw).buffer; // a copy: aligned, and not a Buffer's pool
    if (t.dataType === DataType.FLOAT) return Float64Array.from(new Float32Array(copy, 0, count));
    if (t.dataType === DataType.DOUBLE) return new Float64Array(copy, 0, count);
    if (t.dataType === DataType.INT64) return Float64Array.from(new BigInt64Array(copy, 0, count), Number);
  }
  if (t.dataType === DataType.FLOAT) return Float64Array.from(t.floatData);
  if (t.dataType === DataType.DOUBLE) return Float64Array.from(t.doubleData);
  if (t.dataType === DataType.INT64) return Float64Array.from(t.int64Data, Number);
  return new Float64Array(0);
}

/** An attribute's value as a number (float or int), or a string; undefined when absent. */
export function attributeValue(n: NodeProto, name: string): number | string | undefined {
  const a = n.attribute.find((x) => x.name === name);
  if (!a) return undefined;
  if (a.type === AttributeType.FLOAT) return a.f;
  if (a.type === AttributeType.INT) return Number(a.i);
  if (a.type === AttributeType.STRING) return new TextDecoder().decode(a.s);
  return undefined;
}
