/** One line of the doctor's report. */
export interface DoctorCheck {
  name: string;
  status: "ok" | "warn" | "error";
  detail: string;
  fix?: string;
}
