import { describe, expect, it } from 'vitest';
import { escapeText, link, markdownToMrkdwn, mentionedUsers, slackToPlain } from './mrkdwn.js';

describe('Slack text', () => {
  it('escapes what people and models typed, so nothing becomes a mention or a link', () => {
    expect(escapeText('<!channel> & <@U1> <https://x|y>')).toBe(
      '&lt;!channel&gt; &amp; &lt;@U1&gt; &lt;https://x|y&gt;',
    );
    expect(markdownToMrkdwn('ping <!here> now')).toBe('ping &lt;!here&gt; now');
  });

  it('turns the commander’s Markdown into mrkdwn, keeping code as it is', () => {
    expect(markdownToMrkdwn('## Roles\n**Severity: SEV1** — page\n- IC: Alice\n1. roll back')).toBe(
      '*Roles*\n*Severity: SEV1* — page\n• IC: Alice\n1. roll back',
    );
    expect(markdownToMrkdwn('run `a **b** <c>` then\n```\nx **y** <z>\n```')).toBe(
      'run `a **b** &lt;c&gt;` then\n```\nx **y** &lt;z&gt;\n```',
    );
    expect(markdownToMrkdwn('[runbook](https://wiki.example.com/rb) and [bad](javascript:alert(1))')).toBe(
      '<https://wiki.example.com/rb|runbook> and [bad](javascript:alert(1))',
    );
    expect(markdownToMrkdwn('\u001b[2Jcleared \u202eevil')).toBe('cleared evil');
  });

  it('builds links only to http(s) URLs', () => {
    expect(link('https://acme.slack.com/archives/C1/p1', 'the message')).toBe(
      '<https://acme.slack.com/archives/C1/p1|the message>',
    );
    expect(link('javascript:alert(1)', 'x')).toBe('x');
  });

  it('reads a Slack message as words: mentions named, links unwrapped, entities decoded', () => {
    const names = { user: (id: string) => ({ U1: 'Priya' })[id] };
    expect(
      slackToPlain(
        '<@U1> take comms, <@U9|dan> on <#C1|payments> &amp; see <https://x.io/a|dash> <!here> &lt;3',
        names,
      ),
    ).toBe('@Priya take comms, @dan on #payments & see dash (https://x.io/a) @here <3');
    expect(mentionedUsers('<@U1> and <@U2|b> and <@U1>')).toEqual(['U1', 'U2']);
  });
});
