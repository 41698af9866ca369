/** Every timer the simulator starts goes through one of these, so close() can prove none is left. */
export class Timers {
  private readonly handles = new Set<NodeJS.Timeout>();
  private closed = false;

  timeout(fn: () => void, ms: number): NodeJS.Timeout | undefined {
    if (this.closed) return undefined;
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      fn();
    }, ms);
    this.handles.add(handle);
    return handle;
  }

  interval(fn: () => void, ms: number): NodeJS.Timeout | undefined {
    if (this.closed) return undefined;
    const handle = setInterval(fn, ms);
    this.handles.add(handle);
    return handle;
  }

  clear(handle: NodeJS.Timeout | undefined): void {
    if (handle === undefined) return;
    clearTimeout(handle);
    clearInterval(handle);
    this.handles.delete(handle);
  }

  get active(): number {
    return this.handles.size;
  }

  closeAll(): void {
    this.closed = true;
    for (const handle of this.handles) {
      clearTimeout(handle);
      clearInterval(handle);
    }
    this.handles.clear();
  }
}
