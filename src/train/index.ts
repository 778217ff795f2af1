// Training: fit(), batching, schedules, early stopping, metrics, scaling — no console, no DOM.
export { fit, type FitOptions, type History } from './fit.js';
