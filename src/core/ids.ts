const INCIDENT_ID = /^(?:inc-?)?(\d{1,9})$/i;

/** What an incident id looks like, for error messages. */
export const INCIDENT_ID_EXAMPLE = 'an incident id such as INC-12';

/** The one incident-id reader: "INC-12", "inc-12", "inc12" or "12" is "INC-12"; anything else is null. */
export function parseIncidentId(text: string): string | null {
  const m = INCIDENT_ID.exec(text.trim());
  return m ? `INC-${Number(m[1])}` : null;
}
