// The one rule that decides a numeric target's task, used by the library (inferTask) and the CLI
// (fitEncoding) alike, with the reason in words so that both can say what they inferred and why.
//
// The rule (scikit-learn's type_of_target calls every integer column "multiclass"; we ask for more,
// so that counts and scores with many values stay regression):
//   - exactly 2 distinct values → binary;
//   - integer values with 3..20 distinct values, each seen at least twice, and no more distinct
//     values than a fifth of the rows → multiclass (labels 0..k−1 as in iris, wine, digits);
//   - anything else → regression (fractions, many distinct values, a value seen once).
// A float column holding the integers 1..500 has 500 distinct values: regression.

export type Task = 'regression' | 'binary' | 'multiclass';
export const taskNames: readonly Task[] = ['regression', 'binary', 'multiclass'];

export const taskRule = {
  /** more distinct integer values than this: regression */
  maxClasses: 20,
  /** each class must be seen at least this many times */
  minPerClass: 2,
  /** distinct values at most this fraction of the rows */
  maxClassFraction: 0.2,
} as const;

/** A task and why it was chosen (one short clause, e.g. "3 distinct integer values, each seen ≥ 2 times"). */
export interface TaskInference {
  task: Task;
  reason: string;
}

/**
 * The task of one column of numbers by the rule above. `twoValues` 'classes' (the library, whose
 * binary output needs 0/1 targets) reads two values other than 0/1 as two classes under the class rule.
 */
export function inferNumericTask(
  values: ArrayLike<number>,
  twoValues: 'binary' | 'classes' = 'binary',
): TaskInference {
  const counts = new Map<number, number>();
  for (let i = 0; i < values.length; i++) counts.set(values[i], (counts.get(values[i]) ?? 0) + 1);
  const k = counts.size;
  if (k < 2) return { task: 'regression', reason: 'the target has a single value' };
  const zeroOne = counts.has(0) && counts.has(1);
  if (k === 2 && (twoValues === 'binary' || zeroOne))
    return { task: 'binary', reason: 'the target has 2 distinct values' };
  const notClasses = classRuleFails(counts, values.length);
  if (notClasses) return { task: 'regression', reason: notClasses };
  return {
    task: 'multiclass',
    reason: `the target has ${k} distinct integer values, each seen ≥ ${taskRule.minPerClass} times`,
  };
}

/** Why the values (value → count, over `rows` rows) are not classes by the rule; null when they are. */
function classRuleFails(counts: Map<number, number>, rows: number): string | null {
  const k = counts.size;
  if (![...counts.keys()].every(Number.isInteger)) return 'the target holds non-integer numbers';
  if (k > taskRule.maxClasses)
    return `the target has ${k} distinct integer values (more than ${taskRule.maxClasses} for classes)`;
  const rare = [...counts.entries()].find(([, n]) => n < taskRule.minPerClass);
  if (rare)
    return `the integer value ${rare[0]} is seen only once (classes need ≥ ${taskRule.minPerClass} rows each)`;
  if (k > taskRule.maxClassFraction * rows)
    return `${k} distinct integer values in ${rows} rows (classes need at most ${taskRule.maxClassFraction * 100}% as many values as rows)`;
  return null;
}

/**
 * The values seen once when they alone (one or two, at most 1% of the rows, beside at most 10 common
 * values) keep integer values from being classes by the rule (a rare class, or one mistyped label:
 * 1..7 with a single 7, 0/1 with a single 2); empty otherwise. The rule stands (a class seen once
 * cannot be learned, and a quantity often has rare extremes), but a run says so.
 */
export function rareLabels(values: ArrayLike<number>): number[] {
  const counts = new Map<number, number>();
  for (let i = 0; i < values.length; i++) counts.set(values[i], (counts.get(values[i]) ?? 0) + 1);
  const once = [...counts.keys()].filter((v) => (counts.get(v) ?? 0) < taskRule.minPerClass);
  // a few: at most 2, and 1% of the rows (16 weights in 16 rows with 14 values are a quantity)
  if (!once.length || once.length > 2 || 100 * once.length > values.length || !once.every(Number.isInteger))
    return [];
  // beside at most 10 common values: counts (claims 0..14 and a single 15) have long tails of rare values
  const common = new Map([...counts].filter(([, n]) => n >= taskRule.minPerClass));
  return common.size >= 2 && common.size <= 10 && classRuleFails(common, values.length) === null
    ? once.sort((a, b) => a - b)
    : [];
}

/** The flag that overrides an inferred task, for messages. */
export function overrideFlag(task: Task): string {
  return task === 'regression' ? '--task multiclass' : '--task regression';
}
