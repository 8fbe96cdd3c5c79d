import type { PagerDutySettings } from '../config.js';
import type { OutboundRequest } from '../http.js';

type RestSettings = NonNullable<PagerDutySettings['rest']>;

function headers(settings: RestSettings, write: boolean): Record<string, string> {
  return {
    authorization: `Token token=${settings.token.reveal()}`,
    accept: 'application/vnd.pagerduty+json;version=2',
    ...(write && settings.from ? { from: settings.from } : {}),
  };
}

const base = (settings: RestSettings): string => settings.url.replace(/\/$/, '');

/** POST /incidents/{id}/notes, as the From user. */
export function noteRequest(settings: RestSettings, incident: string, content: string): OutboundRequest {
  return {
    method: 'POST',
    url: `${base(settings)}/incidents/${encodeURIComponent(incident)}/notes`,
    headers: headers(settings, true),
    body: { note: { content } },
    secrets: [settings.token],
    purpose: `note on PagerDuty incident ${incident}`,
  };
}

/** PUT /incidents/{id}: acknowledge or resolve it, as the From user. */
export function statusRequest(
  settings: RestSettings,
  incident: string,
  status: 'acknowledged' | 'resolved',
): OutboundRequest {
  return {
    method: 'PUT',
    url: `${base(settings)}/incidents/${encodeURIComponent(incident)}`,
    headers: headers(settings, true),
    body: { incident: { type: 'incident_reference', status } },
    secrets: [settings.token],
    purpose: `${status === 'resolved' ? 'resolve' : 'acknowledge'} PagerDuty incident ${incident}`,
  };
}

/** GET /services/{id}/change_events between two times (newest 100). */
export function changeEventsRequest(
  settings: RestSettings,
  service: string,
  since: string,
  until: string,
): OutboundRequest {
  const query = new URLSearchParams({ since, until, limit: '100' });
  return {
    method: 'GET',
    url: `${base(settings)}/services/${encodeURIComponent(service)}/change_events?${query}`,
    headers: headers(settings, false),
    secrets: [settings.token],
    purpose: `change events of PagerDuty service ${service}`,
  };
}
