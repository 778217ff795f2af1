// Checking a network: the gradient checker (gradcheck.ts: the two sides in gradcheck-run.ts, the
// judgement in gradcheck-summary.ts, the text in gradcheck-report.ts) and the doctor (doctor.ts:
// rules listed in doctor-registry.ts over the probes cached in doctor-context.ts; findings in
// library terms, which src/cli/fixes.ts renders as flags).
export {
  gradCheck,
  type GradCheckOptions,
  type GradCheckReport,
  type GradCheckVerdict,
  type GradCheckEntry,
  type GradCheckTermSummary,
  type GradCheckGroup,
  type GradCheckCounts,
  type GradCheckSuspect,
  type GradCheckStatus,
} from './gradcheck.js';
export { formatGradCheckReport } from './gradcheck-report.js';
export {
  diagnose,
  sanityCheck,
  formatDoctorReport,
  doctorCallback,
  type FormatDoctorOptions,
  type DoctorOptions,
  type DoctorData,
  type DoctorReport,
  type DoctorMonitor,
  type SanityReport,
  type Finding,
  type Severity,
} from './doctor.js';
export * from './explain-api.js';
export { fitWithDoctor, type FitWithDoctorOptions } from './doctor-monitor.js';
