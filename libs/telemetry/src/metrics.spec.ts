import { ServiceMetrics } from './metrics';

describe('ServiceMetrics', () => {
  it('keeps one registry per service and renders the command histogram', async () => {
    const a = new ServiceMetrics('a');
    const b = new ServiceMetrics('b');
    a.observeCommand('cmd.a.x', 'ok', 0.002);
    const text = (await a.render()).body;
    expect(text).toMatch(/bitcraps_command_duration_seconds_count\{[^}]*subject="cmd.a.x"[^}]*\} 1/);
    expect((await b.render()).body).not.toContain('cmd.a.x');
  });
});
