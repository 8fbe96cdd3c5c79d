/**
 * Pasted alerts and logs: Alertmanager/Prometheus, PagerDuty, Datadog, Grafana, CloudWatch,
 * Opsgenie and Sentry payloads (JSON), their notification text, and raw log lines. A paste is
 * read as what it reports, never as words to chat about.
 */
export interface PastedAlert {
  source:
    | 'alertmanager'
    | 'pagerduty'
    | 'datadog'
    | 'grafana'
    | 'cloudwatch'
    | 'opsgenie'
    | 'sentry'
    | 'json'
    | 'text'
    | 'logs';
  /** The alert's name, when it has one ("CheckoutErrorRateHigh"). */
  name: string | null;
  /** What it says is wrong, in one line of its own words. */
  summary: string;
  /** Firing or triggered (false: resolved / OK). */
  firing: boolean;
  /** The sender's own severity or priority, as given ("critical", "P1", "high"). */
  severity: string | null;
  service: string | null;
}

const MAX_JSON = 200_000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function str(v: Json | undefined): string | null {
  return typeof v === 'string' && v.trim() ? v.trim().slice(0, 300) : null;
}

function obj(v: Json | undefined): Record<string, Json> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
}

function findJson(text: string): Json | undefined {
  const start = text.search(/[[{]/);
  if (start < 0 || text.length > MAX_JSON) return undefined;
  const end = Math.max(text.lastIndexOf('}'), text.lastIndexOf(']'));
  if (end <= start) return undefined;
  try {
    return JSON.parse(text.slice(start, end + 1)) as Json;
  } catch {
    return undefined;
  }
}

const FIRING = /^(?:firing|triggered|alarm|alerting|alert|open|critical|error|problem|active|warn(?:ing)?)$/i;
const RESOLVED = /^(?:resolved|ok|recovered|closed|normal|acknowledged|inactive|no_data)$/i;

function fromJson(value: Json): PastedAlert | null {
  const root = obj(value);
  if (!root) {
    if (Array.isArray(value) && value.length) return fromJson(value[0]!);
    return null;
  }
  // Opsgenie webhooks wrap the alert: {action, alert: {message, priority, alias, tags}}.
  const wrapped = obj(root['alert']);
  if (wrapped && (str(wrapped['message']) || str(wrapped['title']))) {
    return {
      source: 'opsgenie',
      name: str(wrapped['alias']),
      summary: (str(wrapped['message']) ?? str(wrapped['title']))!,
      firing: !/close|ack/i.test(str(root['action']) ?? ''),
      severity: str(wrapped['priority']),
      service: str(wrapped['entity']) ?? null,
    };
  }
  // Alertmanager webhook or a single Prometheus alert.
  const alerts = Array.isArray(root['alerts']) ? root['alerts'] : null;
  const am = obj(alerts?.[0]) ?? (obj(root['labels']) ? root : null);
  if (am) {
    const labels = obj(am['labels']) ?? {};
    const annotations = obj(am['annotations']) ?? {};
    const status = str(am['status']) ?? str(root['status']) ?? 'firing';
    const name = str(labels['alertname']);
    return {
      source: 'alertmanager',
      name,
      summary:
        str(annotations['summary']) ??
        str(annotations['description']) ??
        str(annotations['message']) ??
        name ??
        'an alert is firing',
      firing: !RESOLVED.test(status),
      severity: str(labels['severity']) ?? str(labels['priority']),
      service: str(labels['service']) ?? str(labels['job']) ?? str(labels['app']),
    };
  }
  // PagerDuty webhooks v3: {event: {event_type, data: {title, urgency, service}}}.
  const event = obj(root['event']);
  const data = obj(event?.['data']) ?? obj(root['incident']);
  if (event && data) {
    const type = str(event['event_type']) ?? '';
    return {
      source: 'pagerduty',
      name: null,
      summary: str(data['title']) ?? str(data['summary']) ?? str(data['description']) ?? type,
      firing: !/resolved|acknowledged/.test(type),
      severity: str(obj(data['priority'])?.['summary']) ?? str(data['urgency']),
      service: str(obj(data['service'])?.['summary']),
    };
  }
  // CloudWatch alarm (often through SNS).
  if (str(root['AlarmName'])) {
    return {
      source: 'cloudwatch',
      name: str(root['AlarmName']),
      summary: str(root['NewStateReason']) ?? str(root['AlarmDescription']) ?? str(root['AlarmName'])!,
      firing: (str(root['NewStateValue']) ?? 'ALARM') === 'ALARM',
      severity: null,
      service: str(obj(root['Trigger'])?.['Namespace']),
    };
  }
  // Grafana / Datadog / Opsgenie / Sentry: a title or message with a state.
  const title = str(root['title']) ?? str(root['message']) ?? str(root['summary']) ?? str(root['msg']);
  const state =
    str(root['state']) ??
    str(root['status']) ??
    str(root['alert_type']) ??
    str(root['level']) ??
    str(root['transition']);
  if (title && (state || root['alert_type'] || root['priority'] || root['event_type'] || root['ruleName'])) {
    const source: PastedAlert['source'] =
      root['alert_type'] || root['event_type']
        ? 'datadog'
        : root['ruleName'] || root['evalMatches']
          ? 'grafana'
          : root['alias']
            ? 'opsgenie'
            : root['culprit']
              ? 'sentry'
              : 'json';
    return {
      source,
      name: str(root['ruleName']) ?? str(root['alias']) ?? null,
      summary: [title, str(root['text']) ?? str(root['description']) ?? str(root['culprit'])]
        .filter(Boolean)
        .join(' — ')
        .slice(0, 300),
      firing: state ? !RESOLVED.test(state) || FIRING.test(state) : true,
      severity: str(root['priority']) ?? str(root['severity']) ?? null,
      service: str(root['service']) ?? null,
    };
  }
  // Structured log line: {"level":"error","msg":"..."}.
  const level = str(root['level']) ?? str(root['severity']);
  const msg = str(root['msg']) ?? str(root['message']) ?? str(root['error']);
  if (level && msg && /error|fatal|crit|panic|warn/i.test(level))
    return {
      source: 'logs',
      name: null,
      summary: msg,
      firing: true,
      severity: level,
      service: str(root['service']) ?? null,
    };
  return null;
}

const TEXT_ALERT = [
  /\b(FIRING|TRIGGERED|ALERTING|CRITICAL)\b\s*[:\-–]?\s*([^\n/|]{3,200})/,
  /\[(FIRING|RESOLVED)(?::\d+)?\]\s*([^\n]{3,200})/i,
  /\[(Triggered|Recovered|Warn|Alert|Re-Triggered|No Data)(?: on [^\]]*)?\]\s*([^\n]{3,200})/i,
  /\b(ALARM|OK):\s*"([^"\n]{3,200})"/,
  /\b(Triggered|Resolved|Acknowledged)\s*(?:incident\s*)?#?\d*[:\s-]+([^\n]{3,200})/i,
];

const LOG_LINE =
  /^(?:\S+\s+){0,3}(?:\[?(?:ERROR|FATAL|CRIT(?:ICAL)?|PANIC|SEVERE|EMERG)\]?|E\d{4}|Traceback \(most recent call last\)|Exception in thread|panic:|\s+at [\w.$]+\(|Caused by:)/;

/** The alert or log a message pastes, if it pastes one. */
export function readAlert(text: string): PastedAlert | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  if (/[[{]/.test(trimmed) && /"\s*:/.test(trimmed)) {
    const json = findJson(trimmed);
    if (json !== undefined) {
      const found = fromJson(json);
      if (found) return found;
    }
  }
  for (const pattern of TEXT_ALERT) {
    const m = pattern.exec(trimmed);
    if (m) {
      const state = m[1]!.toLowerCase();
      const name = /\b([A-Z][a-z]+(?:[A-Z][a-z0-9]+)+)\b/.exec(m[2]!)?.[1] ?? null;
      return {
        source: 'text',
        name,
        summary: m[2]!.trim(),
        firing: !/^(?:resolved|recovered|ok)$/.test(state),
        severity: null,
        service: null,
      };
    }
  }
  const lines = trimmed.split('\n');
  const logLines = lines.filter((l) => LOG_LINE.test(l));
  if (logLines.length >= 1 && logLines.length >= lines.length / 3) {
    const first = logLines[0]!
      .replace(/^\S*\d{2}:\d{2}:\d{2}\S*\s*/, '')
      .replace(/^\[?\w+\]?\s*/, '')
      .slice(0, 200);
    return {
      source: 'logs',
      name: null,
      summary: `errors in the logs: ${first}`,
      firing: true,
      severity: 'error',
      service: null,
    };
  }
  return null;
}
