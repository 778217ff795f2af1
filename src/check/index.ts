// Checking a network: the gradient checker and the doctor.
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
  type DoctorOptions,
  type DoctorData,
  type DoctorReport,
  type DoctorMonitor,
  type SanityReport,
  type Finding,
  type Severity,
} from './doctor.js';
export { fitWithDoctor, type FitWithDoctorOptions } from './doctor-monitor.js';
