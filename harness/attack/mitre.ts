/**
 * The MITRE ATT&CK (Enterprise) techniques the attack catalogue cites, id →
 * name as the matrix spells it (attack.mitre.org/techniques/<id>, with the
 * sub-technique after a slash). A catalogue id outside this table is refused,
 * so a typo cannot reach a report or a JUnit case name.
 */
export const TECHNIQUES: Readonly<Record<string, string>> = {
  "T1003.007": "OS Credential Dumping: Proc Filesystem",
  "T1036.011": "Masquerading: Overwrite Process Arguments",
  T1041: "Exfiltration Over C2 Channel",
  T1059: "Command and Scripting Interpreter",
  "T1059.004": "Command and Scripting Interpreter: Unix Shell",
  "T1059.006": "Command and Scripting Interpreter: Python",
  T1106: "Native API",
  "T1132.001": "Data Encoding: Standard Encoding",
  "T1552.001": "Unsecured Credentials: Credentials In Files",
  "T1560.001": "Archive Collected Data: Archive via Utility",
  "T1565.001": "Data Manipulation: Stored Data Manipulation",
  T1609: "Container Administration Command",
};

/** Technique (T1234) or sub-technique (T1234.001) id. */
export const MITRE_ID = "^T[0-9]{4}(\\.[0-9]{3})?$";

/** Problems with an entry's technique ids: unknown to the table, or listed twice. */
export function mitreProblems(id: string, mitre: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of mitre) if (!(t in TECHNIQUES)) out.push(`${id}: ATT&CK technique ${t} is not in harness/attack/mitre.ts`);
  if (new Set(mitre).size !== mitre.length) out.push(`${id}: an ATT&CK technique is listed twice`);
  return out;
}

/** The ids as test titles and JUnit case names show them: "[T1552.001, T1059.004]". */
export function mitreTag(mitre: readonly string[] | undefined): string {
  return mitre?.length ? `[${mitre.join(", ")}]` : "";
}
