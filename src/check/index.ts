// Checking a network: the gradient checker and the doctor.
export {
  gradCheck, type GradCheckOptions, type GradCheckReport, type GradCheckVerdict, type GradCheckEntry,
  type GradCheckTermSummary, type GradCheckGroup, type GradCheckSuspect, type GradCheckStatus,
} from './gradcheck.js';
export { formatGradCheckReport } from './gradcheck-report.js';
