/**
 * Counts the message handlers running on a server, so that a closing server can stop taking requests and still
 * finish what it started: Nest's servers close their sockets and channels straight away (TCP destroys its open
 * sockets, RabbitMQ closes its channel), and any reply still being computed is lost.
 */
export class InFlightHandlers {
  private running = 0;
  private draining = false;
  private idle?: () => void;

  /** False once draining: new requests are to be refused, so the caller can go elsewhere. */
  get accepting(): boolean {
    return !this.draining;
  }

  /** Marks a handler as started; call the returned function once it is done (extra calls are ignored). */
  start(): () => void {
    this.running++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.running--;
      if (this.running === 0) this.idle?.();
    };
  }

  /** Stops accepting requests and resolves once no handler runs. */
  async drain(): Promise<void> {
    this.draining = true;
    // A message the transport has just delivered is still being deserialized (Nest awaits that before it calls the
    // handler): one turn of the event loop lets it reach its handler and be counted, so it is not cut off.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.running === 0) return;
    await new Promise<void>((resolve) => (this.idle = resolve));
  }
}
