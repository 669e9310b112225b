/** One measured number. `goal` is the target; `pass` is judged by the part itself. */
export interface BenchRow {
  metric: string;
  value: number;
  unit: string;
  goal?: string;
  pass?: boolean;
}

export interface BenchPart {
  /** Short name used on the command line: `npm run bench -- worker`. */
  name: string;
  description: string;
  run(log: (line: string) => void): Promise<{ rows: BenchRow[]; notes?: string[] }>;
}
