import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../soul/schema.js';
import { helpText, parseCommand, resolveRole } from './commands.js';

const roles = DEFAULT_SETTINGS.roles;

describe('the slash command', () => {
  it('reads each subcommand, keeping free text for the commander', () => {
    expect(parseCommand('declare checkout is down for everyone')).toEqual({
      name: 'declare',
      text: 'checkout is down for everyone',
    });
    expect(parseCommand('sev sev2 only EU affected')).toEqual({
      name: 'sev',
      severity: 'SEV2',
      reason: 'only EU affected',
    });
    expect(parseCommand('SEV 1')).toEqual({ name: 'sev', severity: 'SEV1', reason: '' });
    expect(parseCommand('sev high')).toEqual({ name: 'sev', severity: null, reason: 'high' });
    expect(parseCommand('role comms <@U1|priya>')).toEqual({ name: 'role', role: 'comms', person: '<@U1|priya>' });
    expect(parseCommand('update exec revenue impact confirmed')).toEqual({
      name: 'update',
      audience: 'executive',
      whatChanged: 'revenue impact confirmed',
    });
    expect(parseCommand('update')).toEqual({ name: 'update', audience: null, whatChanged: '' });
    expect(parseCommand('  ')).toEqual({ name: 'help', unknown: null, suggestion: null });
    expect(parseCommand('resolv it')).toEqual({ name: 'help', unknown: 'resolv', suggestion: 'resolve' });
    expect(parseCommand('frobnicate')).toEqual({ name: 'help', unknown: 'frobnicate', suggestion: null });
  });

  it('names roles by id, title, short name, a prefix or a near miss', () => {
    expect(resolveRole('ic', roles)?.id).toBe('incident_commander');
    expect(resolveRole('Incident Commander', roles)?.id).toBe('incident_commander');
    expect(resolveRole('comm', roles)?.id).toBe('communications_lead');
    expect(resolveRole('tech', roles)?.id).toBe('technical_lead');
    expect(resolveRole('scirbe', roles)?.id).toBe('scribe');
    expect(resolveRole('chef', roles)).toBeNull();
  });

  it('help lists every subcommand and quotes an unknown one escaped', () => {
    const help = helpText('/ic', '<!channel>', null);
    for (const sub of ['declare', 'sev', 'role', 'update', 'note', 'action', 'resolve', 'status', 'help'])
      expect(help).toContain(`/ic ${sub}`);
    expect(help).toContain('&lt;!channel&gt;');
  });
});
