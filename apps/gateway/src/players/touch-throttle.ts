/**
 * Lets through at most one touch per player per interval, remembering at most
 * `maxPlayers` players (the least recently let through are forgotten first; forgetting
 * one only costs an extra touch). Memory is bounded whatever the number of players.
 */
export class TouchThrottle {
  /** Player → when its last touch was let through; Map order is oldest first. */
  private readonly last = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly maxPlayers = 10_000,
  ) {}

  /** True when this player's touch should be sent now (and counts it as sent). */
  take(playerId: string, now: number): boolean {
    const previous = this.last.get(playerId);
    if (previous !== undefined && now - previous < this.intervalMs) return false;
    this.last.delete(playerId);
    this.last.set(playerId, now);
    if (this.last.size > this.maxPlayers) this.last.delete(this.last.keys().next().value as string);
    return true;
  }

  get size(): number {
    return this.last.size;
  }
}
