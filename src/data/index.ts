// Data: CSV / JSON records parsing, missing values, encodings (one-hot, labels), built-in datasets.
// No Node APIs: reading files is the CLI's job. (The task names are train's Task type: not re-exported here.)
export {
  type Cell,
  type Table,
  type DataTable,
  type StoredTable,
  type CellStore,
  rowCount,
  cellAt,
  rowCells,
  cellLocation,
  isMissing,
  missingMarkers,
  columnIndex,
  selectRows,
  numberFormat,
} from './table.js';
export { parseCsv, formatCsv, formatCsvRows, type CsvDialect, type CsvOptions } from './csv.js';
export { sniffDelimiter } from './csv-tokens.js';
export {
  readCsvStore,
  readCsvBlocks,
  CHUNK_BYTES,
  type ByteSource,
  type CsvStreamOptions,
} from './csv-stream.js';
export { ColumnStore, NUMERIC_TEXT_CAP } from './stream-store.js';
export { BlockReport, GrowingMatrix } from './stream-blocks.js';
export { HoldoutRule, rowHash, splitWindow, type Rows as WindowRows } from './stream-windows.js';
export { parseJsonLines, parseRecords, recordsToTable } from './records.js';
export {
  fitEncoding,
  decodeOutputs,
  classProbabilities,
  taskNames,
  type ColumnEncoding,
  type TargetEncoding,
  type Encoding,
  type EncodeOptions,
  type Encoded,
  type MissingPolicy,
  type UnknownPolicy,
  indicatorInputs,
} from './encoding.js';
export { inferNumericTask, overrideFlag, taskRule } from './task.js';
export { applyEncoding, MAX_ENCODED_CELLS, type ApplyOptions } from './apply.js';
export { describeLeftOut, type LeftOut } from './missing.js';
export { describeIgnored, identifierRule, type IgnoredColumn } from './identifiers.js';
export {
  readNumber,
  readBoolean,
  readDate,
  provenDateOrder,
  columnDateOrder,
  mixedDateOrders,
  thousandsSeparators,
  type DateOrder,
  type DecimalMark,
  type NotNumberReason,
  type NumberFormat,
  type ThousandsSeparator,
} from './cells.js';
export { inferColumnType, NUMERIC_SHARE, type ColumnType } from './typing.js';
export {
  dataset,
  datasetNames,
  describeDatasets,
  type Dataset,
  type DatasetName,
  type DatasetOptions,
} from './datasets.js';
export { splitTable } from './split.js';
export {
  MAX_SUMMARY_ROWS,
  summaryLabel,
  summaryRows,
  withoutSummaryRows,
  type SummaryRow,
} from './summary-rows.js';
export { inputColumns, weightColumn } from './weights.js';
export {
  dataNotes,
  dataWarnings,
  describeCodes,
  describeUnseen,
  encodingNotes,
  sparseColumnWarnings,
} from './report.js';
export { decodeText, firstInvalidUtf8, utf16AsUtf8, utf16Encoding } from './text.js';
export { displayWidth, padEndWidth, padStartWidth } from './display-width.js';
