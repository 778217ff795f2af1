// A user's CSV file on the page: once the worker has read it (web/csv-data.ts), the user chooses the
// target and the features here and trains on it; the library's errors (reading, encoding) are shown
// in the panel. The file is not in the URL: the panel says so.

import type { CsvChoice, CsvReport } from './protocol.js';

const byId = (id: string) => document.getElementById(id) as HTMLElement;

/** Whether a dropped or chosen file is a table (by its name or type) rather than a model file. */
export function isCsvFile(file: File): boolean {
  return /\.(csv|tsv|txt)$/i.test(file.name) || file.type === 'text/csv';
}

export class CsvView {
  /** the columns trained on, while the run trains on the file; null: the built-in data */
  active: CsvChoice | null = null;
  /** the name of the file trained on */
  #activeName = '';
  readonly #panel = byId('csv');
  readonly #message = byId('csv-message');
  readonly #train: (choice: CsvChoice) => void;

  constructor(train: (choice: CsvChoice) => void) {
    this.#train = train;
  }

  /** The worker's answer to a file: the choice of target and features, or the error. */
  show(report: CsvReport): void {
    this.#panel.hidden = false;
    const heading = document.createElement('h2');
    heading.textContent = `CSV: ${report.name}`;
    // the run goes on with the file it trains on (if any) until Train is pressed for this one
    this.#say(
      this.active ? `Still training on ${this.#activeName} until you press Train on this file.` : '',
      false,
    );
    if (report.error) {
      this.#panel.replaceChildren(heading, this.#message);
      this.#say(report.error, true);
      return;
    }
    const target = document.createElement('select');
    target.id = 'csv-target';
    for (const c of report.columns) target.add(new Option(c.name, c.name));
    target.value = report.columns[report.columns.length - 1].name;
    const targetLabel = document.createElement('label');
    targetLabel.append('Target ', target);
    const features = document.createElement('fieldset');
    features.id = 'csv-features';
    const legend = document.createElement('legend');
    legend.textContent = 'Features';
    features.append(
      legend,
      ...report.columns.map((c) => featureBox(c.name, `${c.values.join(', ')}${c.many ? ', …' : ''}`)),
    );
    const sync = () => {
      for (const box of Array.from(features.querySelectorAll('input')))
        box.disabled = box.value === target.value;
    };
    target.addEventListener('change', sync);
    sync();
    const button = document.createElement('button');
    button.type = 'button';
    button.id = 'csv-train';
    button.textContent = 'Train on this file';
    button.addEventListener('click', () => {
      const chosen = Array.from(features.querySelectorAll('input'))
        .filter((b) => b.checked && !b.disabled)
        .map((b) => b.value);
      this.active = { file: report.file, target: target.value, features: chosen };
      this.#activeName = report.name;
      this.#say('', false);
      this.#train(this.active);
    });
    const rows = document.createElement('p');
    const columns = report.columns.length;
    rows.textContent = `${report.rows} rows, ${columns} column${columns === 1 ? '' : 's'}`;
    this.#panel.replaceChildren(heading, rows, targetLabel, features, button, this.#message);
  }

  /** A run made (or refused) while training on the file: its note, or the library's error. */
  setup(note: string, error: string): void {
    if (!this.active) return;
    if (error) this.#say(error, true);
    else this.#say(note, false);
  }

  /** Back to the built-in data (the Data setting changed). */
  leave(): void {
    if (!this.active) return;
    this.active = null;
    this.#say('Training on the built-in data again; press Train to go back to the file.', false);
  }

  #say(text: string, error: boolean): void {
    this.#message.textContent = text;
    this.#message.className = error ? 'error' : '';
  }
}

/** A feature's checkbox (checked), with a few of its values. */
function featureBox(name: string, values: string): HTMLElement {
  const label = document.createElement('label');
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.value = name;
  box.checked = true;
  const sample = document.createElement('small');
  sample.textContent = ` (${values})`;
  label.append(box, ` ${name}`, sample);
  return label;
}
