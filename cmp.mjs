import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
async function bench(label, args, call, setup) {
  const c = new Client({ name: 'b', version: '1' });
  await c.connect(new StdioClientTransport({ command: process.execPath, args, env: { PATH: process.env.PATH, HOME: '/tmp/ich-cmp', INCIDENT_COMMANDER_HOME: '/tmp/ich-cmp' + Math.random() }, stderr: 'ignore' }));
  if (setup) await setup(c);
  for (let i = 0; i < 500; i++) await call(c, i);
  const s = [];
  for (let i = 0; i < 2000; i++) { const t = performance.now(); await call(c, i); s.push(performance.now() - t); }
  s.sort((a, b) => a - b);
  console.log(label.padEnd(28), 'p50', (s[1000]*1000).toFixed(0), 'µs  p99', (s[1980]*1000).toFixed(0));
  await c.close();
}
const ev = ['node_modules/@modelcontextprotocol/server-everything/dist/index.js', 'stdio'];
const us = ['dist/bin/incident-commander.js', 'mcp'];
const open = (c) => c.callTool({ name: 'open_incident', arguments: { title: 'x' } });
for (let round = 0; round < 2; round++) {
  await bench('ref ping', ev, (c) => c.ping());
  await bench('ours ping', us, (c) => c.ping());
  await bench('ref echo', ev, (c) => c.callTool({ name: 'echo', arguments: { message: 'hi' } }));
  await bench('ours classify (pure)', us, (c) => c.callTool({ name: 'classify_severity', arguments: { customerFacing: true, state: 'down', revenuePath: true } }));
  await bench('ours list_action_items', us, (c) => c.callTool({ name: 'list_action_items', arguments: {} }), open);
  await bench('ours get_incident', us, (c) => c.callTool({ name: 'get_incident', arguments: { incidentId: 'INC-1' } }), open);
  await bench('ours log_event', us, (c, i) => c.callTool({ name: 'log_event', arguments: { incidentId: 'INC-1', text: 'e' + i } }), open);
}
