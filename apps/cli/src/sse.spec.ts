import { SseParser } from './sse';

describe('Server-Sent Events parser', () => {
  it('yields complete events, whatever the chunking', () => {
    const stream = ': keep-alive\n\nevent: dice-rolled\nid: 7\ndata: {"dice":[1,2]}\n\ndata: line one\ndata: line two\n\n';
    const whole = new SseParser().push(stream);
    expect(whole).toEqual([
      { event: 'dice-rolled', data: '{"dice":[1,2]}', id: '7' },
      { event: 'message', data: 'line one\nline two', id: '7' },
    ]);
    for (let size = 1; size < 10; size++) {
      const parser = new SseParser();
      const events = [];
      for (let i = 0; i < stream.length; i += size) events.push(...parser.push(stream.slice(i, i + size)));
      expect(events).toEqual(whole);
    }
  });

  it('takes CRLF and CR line ends and ignores unknown fields', () => {
    const p = new SseParser();
    // a CR that ends a chunk may be half of a CRLF: its line waits for the next chunk
    expect(p.push('event: a\r\ndata: 1\r\nretry: 10\r\n\r\nevent: b\rdata:2\r\r')).toEqual([{ event: 'a', data: '1' }]);
    expect(p.push(': ping\n')).toEqual([{ event: 'b', data: '2' }]);
  });

  it('holds an event back until its blank line arrives', () => {
    const p = new SseParser();
    expect(p.push('data: x\n')).toEqual([]);
    expect(p.push('\n')).toEqual([{ event: 'message', data: 'x' }]);
  });
});
