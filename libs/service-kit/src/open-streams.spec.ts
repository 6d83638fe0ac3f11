import { OpenStreams } from './open-streams';

describe('OpenStreams', () => {
  it('ends every tracked stream on shutdown, and not those forgotten', async () => {
    const streams = new OpenStreams();
    const ended: string[] = [];
    streams.track(() => void ended.push('a'));
    const forget = streams.track(() => void ended.push('b'));
    streams.track(async () => {
      await Promise.resolve();
      ended.push('c');
    });
    forget();
    expect(streams.size).toBe(2);
    await streams.onModuleDestroy();
    expect(ended.sort()).toEqual(['a', 'c']);
    expect(streams.size).toBe(0);
  });

  it('a stream opened during shutdown is ended at once', async () => {
    const streams = new OpenStreams();
    await streams.onModuleDestroy();
    expect(streams.shuttingDown).toBe(true);
    const ended = new Promise<string>((resolve) => streams.track(() => resolve('ended')));
    await expect(ended).resolves.toBe('ended');
  });

  it('a failing end does not stop the others', async () => {
    const streams = new OpenStreams();
    const ended: string[] = [];
    streams.track(() => {
      throw new Error('socket gone');
    });
    streams.track(() => void ended.push('b'));
    await expect(streams.onModuleDestroy()).resolves.toBeUndefined();
    expect(ended).toEqual(['b']);
  });
});
